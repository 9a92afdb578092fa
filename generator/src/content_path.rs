//! The one rule for every file chaosbook reads because the content names it
//! (an `{{#include}}`, a `manifest_file`, a chapter in SUMMARY.md, an image a
//! chapter links, a file of the catalog, the chapters or the theme, a
//! folder set in book.toml):
//!
//! - the path, resolved with every symbolic link followed, must stay inside
//!   the project root (code `outside-project`);
//! - it must be a regular file (or, for a walk, a folder): devices, FIFOs,
//!   sockets and the files of kernel file systems (`/proc`, `/sys`, ...)
//!   are refused even inside the root (code `special-file`), since reading
//!   them leaks the machine's state or blocks forever.
//!
//! Why one module: content comes from pull requests, and a pull request must
//! not be able to make the build print or publish a file of the machine that
//! builds it. A refused file is never opened, and nothing of it (bytes or
//! resolved target) appears in a diagnostic: the message names only the path
//! as the content wrote it.
//!
//! The check runs on metadata only (`symlink_metadata`, `canonicalize`,
//! `statfs`); a file that passes is then opened without following links and
//! without blocking, and checked again on the open handle.

use std::io::Read;
use std::path::{Component, Path, PathBuf};

use crate::catalog::yaml::Span;
use crate::diagnostics::Diagnostic;

/// The code of a path that leaves the project root.
pub const OUTSIDE: &str = "outside-project";
/// The code of a device, FIFO, socket or kernel file.
pub const SPECIAL: &str = "special-file";

/// Why a path may not be read.
#[derive(Debug)]
pub enum Refusal {
    /// Resolves outside the project root (absolute, `..`, or through a
    /// symbolic link).
    Outside,
    /// Not a regular file or folder: what it is (`a FIFO`, ...).
    Special(&'static str),
    /// Nothing there (a dangling link counts as nothing).
    Missing,
    /// A folder where a file is wanted.
    Folder,
    /// Anything else the system reports.
    Io(std::io::Error),
}

impl Refusal {
    /// The diagnostic code.
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::Outside => OUTSIDE,
            Refusal::Special(_) => SPECIAL,
            Refusal::Missing | Refusal::Folder => "missing-file",
            Refusal::Io(_) => "io-error",
        }
    }

    /// A diagnostic at `file`/`span` for the path `written` there. The
    /// message quotes only `written` (which the content itself holds).
    pub fn diagnostic(&self, file: impl Into<PathBuf>, span: Span, written: &str) -> Diagnostic {
        let (message, help) = match self {
            Refusal::Outside => (
                format!("`{written}` resolves outside the project: nothing outside the project root is read"),
                "copy the file into the project and refer to it with a relative path (a symbolic link that leaves the project counts as outside)".to_string(),
            ),
            Refusal::Special(what) => (
                format!("`{written}` is {what}, not a regular file: it is not read"),
                "refer to a regular file of the project".to_string(),
            ),
            Refusal::Missing => (
                format!("`{written}` does not exist"),
                "fix the path; it is relative to the file that names it".to_string(),
            ),
            Refusal::Folder => (
                format!("`{written}` is a folder, not a file"),
                "refer to a file".to_string(),
            ),
            Refusal::Io(e) => (
                format!("cannot read `{written}`: {}", e.kind()),
                "check the file's permissions".to_string(),
            ),
        };
        Diagnostic::error(self.code(), file, span, message)
            .with_label(format!("rule: {}", self.code()))
            .with_help(help)
    }
}

/// The project root, resolved once.
#[derive(Debug, Clone)]
pub struct Project {
    /// As given (for relative display).
    root: PathBuf,
    /// Canonical.
    real: PathBuf,
}

impl Project {
    /// The project at `root`; fails only when the root cannot be made absolute
    /// or canonical.
    pub fn new(root: &Path) -> std::io::Result<Project> {
        let abs = std::path::absolute(root)?;
        Ok(Project {
            real: abs.canonicalize()?,
            root: root.to_path_buf(),
        })
    }

    /// The root as given.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `path` relative to the root when below it (for diagnostics).
    pub fn relative(&self, path: &Path) -> PathBuf {
        path.strip_prefix(&self.root)
            .map(Path::to_path_buf)
            .unwrap_or_else(|_| path.to_path_buf())
    }

    /// Resolves `path` (relative paths against the current folder, as every
    /// path chaosbook builds from the root) and applies the rule: the real
    /// path, when it is inside the root and a regular file or a folder.
    pub fn resolve(&self, path: &Path) -> Result<Resolved, Refusal> {
        let abs = std::path::absolute(path).map_err(Refusal::Io)?;
        let real = match abs.canonicalize() {
            Ok(r) => r,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                // Missing, or a dangling link: say "outside" when the part
                // that exists already leads out, so `../../x` is named for
                // what it is.
                return Err(if self.contains(&resolve_lexically(&abs)) {
                    Refusal::Missing
                } else {
                    Refusal::Outside
                });
            }
            Err(e) => return Err(Refusal::Io(e)),
        };
        if !self.contains(&real) {
            return Err(Refusal::Outside);
        }
        let meta = std::fs::symlink_metadata(&real).map_err(Refusal::Io)?;
        let kind = kind_of(&meta.file_type());
        match kind {
            Some(Kind::File) | Some(Kind::Folder) => {}
            None => return Err(Refusal::Special(special_name(&meta.file_type()))),
        }
        if let Some(what) = kernel_file_system(&real) {
            return Err(Refusal::Special(what));
        }
        Ok(Resolved {
            real,
            folder: matches!(kind, Some(Kind::Folder)),
        })
    }

    /// [`Project::resolve`] for a file to read.
    pub fn file(&self, path: &Path) -> Result<PathBuf, Refusal> {
        let r = self.resolve(path)?;
        if r.folder {
            return Err(Refusal::Folder);
        }
        Ok(r.real)
    }

    /// Reads a file that passes the rule, at most `max` bytes (`Ok(Err(len))`
    /// when it is longer: nothing is read then).
    pub fn read(&self, path: &Path, max: u64) -> Result<Result<Vec<u8>, u64>, Refusal> {
        let real = self.file(path)?;
        let file = open_no_follow(&real).map_err(Refusal::Io)?;
        // Checked again on the handle: the file opened is the file checked.
        let meta = file.metadata().map_err(Refusal::Io)?;
        if !meta.file_type().is_file() {
            return Err(Refusal::Special(special_name(&meta.file_type())));
        }
        if meta.len() > max {
            return Ok(Err(meta.len()));
        }
        let mut bytes = Vec::with_capacity(meta.len() as usize);
        file.take(max.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(Refusal::Io)?;
        if bytes.len() as u64 > max {
            return Ok(Err(bytes.len() as u64));
        }
        Ok(Ok(bytes))
    }

    /// Reads a whole file that passes the rule (theme files, images).
    pub fn read_all(&self, path: &Path) -> Result<Vec<u8>, Refusal> {
        self.read(path, u64::MAX)?.map_err(|_| {
            Refusal::Io(std::io::Error::new(
                std::io::ErrorKind::FileTooLarge,
                "too large",
            ))
        })
    }

    /// Reads a UTF-8 file that passes the rule, with no size limit beyond
    /// `max` (for files whose size the caller does not check otherwise).
    pub fn read_to_string(&self, path: &Path, max: u64) -> Result<String, Refusal> {
        match self.read(path, max)? {
            Ok(bytes) => String::from_utf8(bytes).map_err(|_| {
                Refusal::Io(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    "not UTF-8",
                ))
            }),
            Err(_) => Err(Refusal::Io(std::io::Error::new(
                std::io::ErrorKind::FileTooLarge,
                "too large",
            ))),
        }
    }

    /// Walks `dir` (following symbolic links, in a stable order, skipping
    /// names that start with `.`), yielding every entry that passes the
    /// rule, and a diagnostic at the entry's own path for each that does
    /// not (a link that leaves the root, a FIFO, a link loop). A refused
    /// folder is not entered.
    pub fn walk<'a>(&'a self, dir: &Path) -> Walk<'a> {
        Walk {
            project: self,
            inner: walkdir::WalkDir::new(dir)
                .follow_links(true)
                .sort_by_file_name()
                .into_iter(),
        }
    }

    fn contains(&self, real: &Path) -> bool {
        real.starts_with(&self.real)
    }
}

/// A path that passed the rule.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// The canonical path: every symbolic link followed.
    pub real: PathBuf,
    /// Whether it is a folder (only a walk accepts one).
    pub folder: bool,
}

/// See [`Project::walk`].
pub struct Walk<'a> {
    project: &'a Project,
    inner: walkdir::IntoIter,
}

impl Iterator for Walk<'_> {
    type Item = Result<walkdir::DirEntry, Box<Diagnostic>>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let entry = match self.inner.next()? {
                Ok(e) => e,
                Err(e) => {
                    let path = e
                        .path()
                        .map(|p| self.project.relative(p))
                        .unwrap_or_default();
                    let d = if e.loop_ancestor().is_some() {
                        Diagnostic::error(
                            "symlink-loop",
                            path,
                            Span::default(),
                            "symbolic link loop: this link points at one of its own parent folders",
                        )
                        .with_help("remove the link")
                    } else if let Some(io) = e.io_error() {
                        Diagnostic::error(
                            "io-error",
                            path,
                            Span::default(),
                            format!("cannot read: {}", io.kind()),
                        )
                    } else {
                        Diagnostic::error("io-error", path, Span::default(), "cannot read")
                    };
                    return Some(Err(Box::new(d)));
                }
            };
            if entry.depth() > 0 && entry.file_name().to_string_lossy().starts_with('.') {
                if entry.file_type().is_dir() {
                    self.inner.skip_current_dir();
                }
                continue;
            }
            return Some(match self.project.resolve(entry.path()) {
                Ok(_) => Ok(entry),
                Err(refusal) => {
                    if entry.file_type().is_dir() {
                        self.inner.skip_current_dir();
                    }
                    let rel = self.project.relative(entry.path());
                    let written = crate::diagnostics::display_path(&rel);
                    let mut d = refusal.diagnostic(&rel, Span::default(), &written);
                    if entry.path_is_symlink() {
                        d.message = format!(
                            "the symbolic link `{written}` {}",
                            match refusal {
                                Refusal::Outside => "resolves outside the project: its target is not read",
                                Refusal::Special(_) => "points at a device, FIFO, socket or kernel file: its target is not read",
                                _ => "cannot be followed",
                            }
                        );
                        d.help = Some(
                            "replace the link with a copy of the file inside the project".into(),
                        );
                    }
                    Err(Box::new(d))
                }
            });
        }
    }
}

enum Kind {
    File,
    Folder,
}

fn kind_of(t: &std::fs::FileType) -> Option<Kind> {
    if t.is_file() {
        Some(Kind::File)
    } else if t.is_dir() {
        Some(Kind::Folder)
    } else {
        None
    }
}

fn special_name(t: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
    }
    if t.is_symlink() {
        return "a symbolic link";
    }
    "not a regular file"
}

/// `Some(what)` when `path` lives on a kernel file system whose files show
/// the machine's state (`/proc`, `/sys`, ...): they look like regular files
/// but must never be read as content.
#[cfg(target_os = "linux")]
fn kernel_file_system(path: &Path) -> Option<&'static str> {
    // Magic numbers of linux/magic.h.
    const KERNEL: [(u64, &str); 11] = [
        (0x9fa0, "a /proc file"),
        (0x6265_6572, "a /sys file"),
        (0x6462_6720, "a debugfs file"),
        (0x7472_6163, "a tracefs file"),
        (0x7363_6673, "a securityfs file"),
        (0x0027_e0eb, "a cgroup file"),
        (0x6367_7270, "a cgroup file"),
        (0x1cd1, "a terminal device file"),
        (0x6265_6570, "a configfs file"),
        (0xde5e_81e4, "an EFI variable"),
        (0xcafe_4a11, "a BPF file"),
    ];
    let fs = rustix::fs::statfs(path).ok()?;
    #[allow(clippy::unnecessary_cast)]
    let magic = fs.f_type as u64;
    KERNEL
        .iter()
        .find(|(m, _)| *m == magic)
        .map(|(_, what)| *what)
}

#[cfg(not(target_os = "linux"))]
fn kernel_file_system(_: &Path) -> Option<&'static str> {
    None
}

/// Opens `real` for reading without following a link at its last component
/// and without blocking (a FIFO swapped in after the check would otherwise
/// hang the build).
fn open_no_follow(real: &Path) -> std::io::Result<std::fs::File> {
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::OpenOptionsExt;
        let flags = rustix::fs::OFlags::NOFOLLOW | rustix::fs::OFlags::NONBLOCK;
        opts.custom_flags(flags.bits() as i32);
    }
    opts.open(real)
}

/// `a/b/../c` -> `a/c` without touching the disk; the existing prefix is
/// canonicalised so a link in it counts.
fn resolve_lexically(abs: &Path) -> PathBuf {
    let mut existing = abs.to_path_buf();
    let mut rest = Vec::new();
    while existing.canonicalize().is_err() {
        match (existing.parent(), existing.file_name()) {
            (Some(p), Some(n)) => {
                rest.push(n.to_os_string());
                existing = p.to_path_buf();
            }
            _ => break,
        }
    }
    let mut out = existing.canonicalize().unwrap_or(existing);
    for name in rest.into_iter().rev() {
        match Path::new(&name).components().next() {
            Some(Component::ParentDir) => {
                out.pop();
            }
            Some(Component::CurDir) | None => {}
            _ => out.push(name),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project() -> (tempfile::TempDir, tempfile::TempDir, Project) {
        let root = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret.txt"), "SECRET").unwrap();
        std::fs::write(root.path().join("in.md"), "inside").unwrap();
        let p = Project::new(root.path()).unwrap();
        (root, outside, p)
    }

    #[test]
    fn a_file_inside_is_read() {
        let (root, _o, p) = project();
        let bytes = p.read(&root.path().join("in.md"), 100).unwrap().unwrap();
        assert_eq!(bytes, b"inside");
        assert!(matches!(
            p.read(&root.path().join("in.md"), 3).unwrap(),
            Err(6)
        ));
    }

    #[test]
    fn absolute_and_parent_paths_outside_are_refused() {
        let (root, outside, p) = project();
        let secret = outside.path().join("secret.txt");
        assert!(matches!(p.read(&secret, 100), Err(Refusal::Outside)));
        let climbing = root.path().join("..").join(
            outside
                .path()
                .strip_prefix(outside.path().parent().unwrap())
                .unwrap(),
        );
        assert!(matches!(
            p.read(&climbing.join("secret.txt"), 100),
            Err(Refusal::Outside)
        ));
        assert!(matches!(
            p.read(&root.path().join("../nope/x"), 100),
            Err(Refusal::Outside)
        ));
        assert!(matches!(
            p.read(&root.path().join("nope.md"), 100),
            Err(Refusal::Missing)
        ));
        assert!(matches!(
            p.read(Path::new("/proc/self/environ"), 100),
            Err(Refusal::Outside)
        ));
    }

    #[cfg(unix)]
    #[test]
    fn links_out_and_fifos_are_refused() {
        let (root, outside, p) = project();
        std::os::unix::fs::symlink(outside.path().join("secret.txt"), root.path().join("l.md"))
            .unwrap();
        assert!(matches!(
            p.read(&root.path().join("l.md"), 100),
            Err(Refusal::Outside)
        ));
        std::os::unix::fs::symlink(root.path().join("in.md"), root.path().join("ok.md")).unwrap();
        assert_eq!(
            p.read(&root.path().join("ok.md"), 100).unwrap().unwrap(),
            b"inside"
        );
        let fifo = root.path().join("pipe.md");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        assert!(matches!(
            p.read(&fifo, 100),
            Err(Refusal::Special("a FIFO"))
        ));
        let walked: Vec<String> = p
            .walk(root.path())
            .map(|r| match r {
                Ok(e) => format!("ok {}", p.relative(e.path()).display()),
                Err(d) => format!("{} {}", d.code, d.file.display()),
            })
            .collect();
        assert_eq!(
            walked,
            vec![
                "ok ".to_string(),
                "ok in.md".into(),
                "outside-project l.md".into(),
                "ok ok.md".into(),
                "special-file pipe.md".into()
            ]
        );
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn kernel_files_are_special() {
        assert_eq!(
            kernel_file_system(Path::new("/proc/self/environ")),
            Some("a /proc file")
        );
        assert_eq!(kernel_file_system(Path::new("/")), None);
    }
}
