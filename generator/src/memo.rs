//! The one rule of what a `serve` session's check keeps between two checks:
//! a result is kept with the exact text it was computed from, and found
//! again only for that same text.
//!
//! No list of fields and no watcher flag decides whether a result still
//! holds: an entry whose text differs is simply not found, so a stale
//! result cannot be used. The catalog's files, format schemas and prose
//! findings ([`crate::catalog::memo`], [`crate::catalog::prose::Memo`]) and
//! the chapters' scans and heading ids ([`crate::whitepaper::Memo`]) are
//! all kept this way.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;

/// Results by key, each with the text it was computed from: `T` holds the
/// text (a `String` moved in, or an `Arc<str>` shared with the catalog).
pub(crate) struct ByText<K, T, V> {
    entries: HashMap<K, (T, V)>,
}

impl<K, T, V> Default for ByText<K, T, V> {
    fn default() -> Self {
        ByText {
            entries: HashMap::new(),
        }
    }
}

impl<K: Hash + Eq, T: Borrow<str>, V> ByText<K, T, V> {
    /// The result kept for `key`, if it was computed from exactly `text`.
    pub(crate) fn get<Q>(&self, key: &Q, text: &str) -> Option<&V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.entries
            .get(key)
            .filter(|(kept, _)| kept.borrow() == text)
            .map(|(_, value)| value)
    }

    /// Keeps `value`, computed from `text`, for `key`.
    pub(crate) fn insert(&mut self, key: K, text: T, value: V) {
        self.entries.insert(key, (text, value));
    }

    /// The result kept for `key`, whatever text it came from: for a result
    /// that carries its own identity (a compiled format, compared by
    /// pointer).
    pub(crate) fn by_key<Q>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.entries.get(key).map(|(_, value)| value)
    }

    /// [`ByText::by_key`], to add to a result this reading kept.
    pub(crate) fn by_key_mut<Q>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.entries.get_mut(key).map(|(_, value)| value)
    }
}
