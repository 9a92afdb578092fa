//! What a page used of the [`Hooks`]: the directives it expanded and the
//! catalog links it resolved, each with a hash of the answer.
//!
//! Why: after a catalog edit the hooks change, but most pages do not use
//! what changed (a chapter without embeds uses nothing; a scenario's page
//! uses that scenario). A cached page is reused when asking the new hooks
//! the same questions gives the same answers, so `serve` renders again only
//! the pages an edit reaches, and no list of "which page shows which item"
//! has to be kept by hand: the page's own questions are the list.

use std::hash::{Hash, Hasher};
use std::sync::Mutex;

use super::markdown::{Hooks, PageInfo};

/// One question a page asked the hooks, and a hash of the answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Dep {
    /// `{{#name args}}`: the hooks' [`Hooks::directive_fingerprint`], or a
    /// hash of the rendered directive when they give none.
    Directive {
        name: String,
        args: String,
        stamp: u64,
    },
    /// A custom-scheme link (`scenario:ID`...): a hash of where it went.
    Link { dest: String, stamp: u64 },
}

fn hash_of(value: &impl Hash) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    value.hash(&mut h);
    h.finish()
}

/// A directive's stamp: its fingerprint when the hooks give one (then it
/// is not rendered), else a hash of its output.
fn directive_stamp(
    hooks: &dyn Hooks,
    name: &str,
    args: &str,
    page: &PageInfo<'_>,
    rendered: Option<&Option<String>>,
) -> u64 {
    match hooks.directive_fingerprint(name, args, page) {
        Some(fingerprint) => hash_of(&(true, fingerprint)),
        None => match rendered {
            Some(html) => hash_of(&(false, html)),
            None => hash_of(&(false, &hooks.directive(name, args, page))),
        },
    }
}

impl Dep {
    /// Whether `hooks` answer this question as they did when it was recorded.
    pub(super) fn holds(&self, hooks: &dyn Hooks, page: &PageInfo<'_>) -> bool {
        match self {
            Dep::Directive { name, args, stamp } => {
                directive_stamp(hooks, name, args, page, None) == *stamp
            }
            Dep::Link { dest, stamp } => hash_of(&hooks.link(dest, page)) == *stamp,
        }
    }
}

/// Hooks that answer as `inner` does and write down every question.
pub(super) struct Recorder<'h> {
    inner: &'h dyn Hooks,
    deps: Mutex<Vec<Dep>>,
}

impl<'h> Recorder<'h> {
    pub(super) fn new(inner: &'h dyn Hooks) -> Self {
        Recorder {
            inner,
            deps: Mutex::new(Vec::new()),
        }
    }

    /// The questions asked, in order.
    pub(super) fn into_deps(self) -> Vec<Dep> {
        self.deps.into_inner().unwrap_or_else(|p| p.into_inner())
    }

    fn push(&self, dep: Dep) {
        self.deps
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(dep);
    }
}

impl Hooks for Recorder<'_> {
    fn directive(&self, name: &str, args: &str, page: &PageInfo<'_>) -> Option<String> {
        let html = self.inner.directive(name, args, page);
        self.push(Dep::Directive {
            name: name.to_string(),
            args: args.to_string(),
            stamp: directive_stamp(self.inner, name, args, page, Some(&html)),
        });
        html
    }

    fn link(&self, dest: &str, page: &PageInfo<'_>) -> Option<String> {
        let url = self.inner.link(dest, page);
        self.push(Dep::Link {
            dest: dest.to_string(),
            stamp: hash_of(&url),
        });
        url
    }

    // Only directives and links reach a page's HTML; the rest (data files,
    // search extras, failures) the renderer asks the inner hooks directly.
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hooks whose answers are set by the test.
    struct Answers {
        directive: &'static str,
        fingerprint: Option<u64>,
        link: Option<&'static str>,
    }

    impl Hooks for Answers {
        fn directive(&self, _: &str, _: &str, _: &PageInfo<'_>) -> Option<String> {
            Some(self.directive.to_string())
        }
        fn directive_fingerprint(&self, _: &str, _: &str, _: &PageInfo<'_>) -> Option<u64> {
            self.fingerprint
        }
        fn link(&self, _: &str, _: &PageInfo<'_>) -> Option<String> {
            self.link.map(str::to_string)
        }
    }

    const PAGE: PageInfo<'static> = PageInfo {
        path: "a/b.html",
        root: "../",
    };

    fn record(hooks: &Answers) -> Vec<Dep> {
        let recorder = Recorder::new(hooks);
        assert_eq!(
            recorder.directive("scenario", "x", &PAGE).as_deref(),
            Some(hooks.directive),
            "answers as the inner hooks do"
        );
        assert_eq!(recorder.link("scenario:x", &PAGE).as_deref(), hooks.link);
        recorder.into_deps()
    }

    #[test]
    fn a_dependency_holds_exactly_while_the_answer_is_the_same() {
        let before = Answers {
            directive: "<p>one</p>",
            fingerprint: None,
            link: Some("../x.html"),
        };
        let deps = record(&before);
        assert_eq!(deps.len(), 2);
        assert!(deps.iter().all(|d| d.holds(&before, &PAGE)));

        let other_html = Answers {
            directive: "<p>two</p>",
            ..before
        };
        assert!(!deps[0].holds(&other_html, &PAGE));
        assert!(deps[1].holds(&other_html, &PAGE));

        let link_gone = Answers {
            link: None,
            ..before
        };
        assert!(deps[0].holds(&link_gone, &PAGE));
        assert!(!deps[1].holds(&link_gone, &PAGE));
    }

    #[test]
    fn a_directive_fingerprint_stands_for_its_output() {
        let before = Answers {
            directive: "<p>one</p>",
            fingerprint: Some(7),
            link: None,
        };
        let deps = record(&before);
        // The fingerprint is trusted: the output is not rendered to compare.
        let same_fingerprint = Answers {
            directive: "<p>changed</p>",
            ..before
        };
        assert!(deps[0].holds(&same_fingerprint, &PAGE));
        let other_fingerprint = Answers {
            fingerprint: Some(8),
            ..before
        };
        assert!(!deps[0].holds(&other_fingerprint, &PAGE));
        // Hooks that stop giving a fingerprint are asked for the output.
        let none = Answers {
            fingerprint: None,
            ..before
        };
        assert!(!deps[0].holds(&none, &PAGE));
    }
}
