//! The typst [`World`]: what the compiler may see. One generated source
//! (the whole document), the fonts bundled with typst (embedded, so every
//! machine typesets the same), the book's own image files, and a fixed date.
//! No package downloads, no system fonts, no clock: the output depends on
//! the input alone.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

/// The fonts typst ships (Libertinus Serif, New Computer Modern, DejaVu
/// Sans Mono), parsed once per process.
static FONTS: LazyLock<(LazyHash<FontBook>, Vec<Font>)> = LazyLock::new(|| {
    let fonts: Vec<Font> = typst_assets::fonts()
        .flat_map(|data| Font::iter(Bytes::new(data)))
        .collect();
    let book = FontBook::from_fonts(&fonts);
    (LazyHash::new(book), fonts)
});

static LIBRARY: LazyLock<LazyHash<Library>> = LazyLock::new(|| LazyHash::new(Library::default()));

/// The virtual path of the generated document. Image paths in it are
/// absolute virtual paths (`/img/a.png`), resolved in the book's source
/// folder; `/.chaosbook/` holds chaosbook's own files ([`BUILTIN`]).
const MAIN: &str = "/.chaosbook/document.typ";

/// Files the document may load that come with chaosbook: small, fast
/// grammars for the code the catalog prints most (see `syntaxes/`).
const BUILTIN: [(&str, &str); 3] = [
    (
        "/.chaosbook/syntaxes/yaml.sublime-syntax",
        include_str!("syntaxes/yaml.sublime-syntax"),
    ),
    (
        "/.chaosbook/syntaxes/json.sublime-syntax",
        include_str!("syntaxes/json.sublime-syntax"),
    ),
    (
        "/.chaosbook/syntaxes/bash.sublime-syntax",
        include_str!("syntaxes/bash.sublime-syntax"),
    ),
];

/// The paths of the built-in grammars, for `#set raw(syntaxes: ..)`.
pub fn syntax_paths() -> impl Iterator<Item = &'static str> {
    BUILTIN.iter().map(|(path, _)| *path)
}

/// What typst sees: the generated document, chaosbook's grammars, the bundled
/// fonts, and images from the book's source folder.
pub struct PdfWorld {
    main: Source,
    /// Where images come from: the book's source folder.
    files: PathBuf,
    today: Option<Datetime>,
}

impl PdfWorld {
    /// A world for typst markup `text`, reading images under `files`; `today`
    /// is the document's date, if any.
    pub fn new(text: String, files: &Path, today: Option<Datetime>) -> Self {
        let vpath = VirtualPath::new(MAIN).expect("a valid virtual path");
        let id = FileId::new(RootedPath::new(VirtualRoot::Project, vpath));
        Self {
            main: Source::new(id, text),
            files: files.to_path_buf(),
            today,
        }
    }

    /// The real file behind a virtual path, refusing anything outside the
    /// book's source folder (also through symbolic links).
    fn real_path(&self, id: FileId) -> FileResult<PathBuf> {
        if !matches!(id.root(), VirtualRoot::Project) {
            return Err(FileError::AccessDenied);
        }
        let path = id
            .vpath()
            .realize(&self.files)
            .map_err(FileError::Realize)?;
        // The one rule of `content_path`, with the book's source folder as
        // the root: stricter than the project (the PDF shows only the book).
        let rule = crate::content_path::Project::new(&self.files)
            .map_err(|e| FileError::from_io(e, &self.files))?;
        match rule.file(&path) {
            Ok(real) => Ok(real),
            Err(crate::content_path::Refusal::Missing) => Err(FileError::NotFound(path)),
            Err(crate::content_path::Refusal::Io(e)) => Err(FileError::from_io(e, &path)),
            Err(_) => Err(FileError::AccessDenied),
        }
    }
}

impl World for PdfWorld {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &FONTS.0
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::NotSource)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.main.id() {
            return Ok(Bytes::from_string(self.main.text().to_string()));
        }
        let vpath = id.vpath().get_with_slash();
        if vpath.starts_with("/.chaosbook/") {
            return BUILTIN
                .iter()
                .find(|(path, _)| *path == vpath)
                .map(|(_, text)| Bytes::new(text.as_bytes()))
                .ok_or_else(|| FileError::NotFound(PathBuf::from(vpath)));
        }
        let path = self.real_path(id)?;
        let rule = crate::content_path::Project::new(&self.files)
            .map_err(|e| FileError::from_io(e, &self.files))?;
        rule.read_all(&path)
            .map(Bytes::new)
            .map_err(|_| FileError::AccessDenied)
    }

    fn font(&self, index: usize) -> Option<Font> {
        FONTS.1.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        self.today
    }
}

/// The fonts the document may name (for tests of the preamble).
pub fn font_families() -> Vec<String> {
    let mut names: Vec<String> = FONTS.1.iter().map(|f| f.info().family.clone()).collect();
    names.sort();
    names.dedup();
    names
}
