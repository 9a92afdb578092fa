//! YAML to JSON with source positions.
//!
//! The catalog is written in YAML but validated with JSON Schema, and every
//! diagnostic must point at the offending node. This module parses YAML with
//! `saphyr-parser`'s event API and builds a [`serde_json::Value`] while
//! recording, for every node, where it stands in the source (keyed by the
//! node's JSON Pointer, the same form as a JSON Schema error's instance path).
//!
//! It is stricter than a plain YAML loader on purpose:
//! - duplicate mapping keys are errors (YAML forbids them; most loaders keep
//!   the last one silently),
//! - alias expansion is bounded, so a "billion laughs" document fails fast,
//! - only the YAML 1.2 core schema is understood (no custom tags, no merge
//!   keys), so what a contributor reads is what the validator sees.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, ScanError, Span as YamlSpan};
use serde_json::{Map, Number, Value};

/// Nodes one document may hold after alias expansion. Real catalog files
/// have a few hundred; the bound only stops exponential alias bombs.
pub const MAX_NODES: usize = 200_000;
/// Nesting depth bound, so a pathological file cannot overflow the stack.
pub const MAX_DEPTH: usize = 128;

/// A byte range in the source text, with the 1-based line and column of its start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    /// Byte offset of the first byte in the text.
    pub start: usize,
    /// Byte offset just past the last byte (exclusive).
    pub end: usize,
    /// 1-based line of `start`.
    pub line: usize,
    /// 1-based column of `start`, counted in characters.
    pub column: usize,
}

/// Where a node stands: its value, and its key when it is a mapping value.
#[derive(Debug, Clone, Copy)]
pub struct NodePos {
    /// The key, when the node is a mapping value.
    pub key: Option<Span>,
    /// The value itself.
    pub value: Span,
    /// How the scalar was written; `None` for collections and aliases.
    pub style: Option<ScalarStyle>,
}

/// One parsed YAML document.
#[derive(Debug, Clone)]
pub struct Document {
    /// The document as JSON, what the schemas validate.
    pub value: Value,
    /// JSON Pointer (RFC 6901) of each node -> its position.
    pub positions: HashMap<String, NodePos>,
    /// The span of the whole document.
    pub span: Span,
}

impl Document {
    /// The position of the node at `pointer`, or of its nearest ancestor
    /// that has one (nodes expanded from an alias point at the alias).
    pub fn locate(&self, pointer: &str) -> Span {
        let mut p = pointer;
        loop {
            if let Some(pos) = self.positions.get(p) {
                return pos.value;
            }
            match p.rfind('/') {
                Some(i) => p = &p[..i],
                None => return self.span,
            }
        }
    }

    /// The span of the key of the node at `pointer` (falls back to its value).
    pub fn locate_key(&self, pointer: &str) -> Span {
        match self.positions.get(pointer) {
            Some(NodePos { key: Some(k), .. }) => *k,
            _ => self.locate(pointer),
        }
    }

    /// The recorded position of the node at `pointer`, without falling back.
    pub fn node(&self, pointer: &str) -> Option<&NodePos> {
        self.positions.get(pointer)
    }
}

/// Why a YAML text could not be turned into documents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    /// What went wrong, for the diagnostic code.
    pub kind: YamlErrorKind,
    /// What went wrong, in words.
    pub message: String,
    /// Where it went wrong.
    pub span: Span,
    /// A second place that matters, e.g. the first occurrence of a duplicate key.
    pub related: Option<(Span, String)>,
}

/// The kinds of YAML the loader refuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YamlErrorKind {
    /// Not well-formed YAML (or an alias to an unknown anchor).
    Syntax,
    /// A mapping key written twice.
    DuplicateKey,
    /// More than [`MAX_NODES`] nodes after alias expansion (an alias bomb).
    AliasLimit,
    /// Valid YAML that the catalog does not accept: custom tags, merge keys,
    /// complex or alias keys,
    /// nesting deeper than [`MAX_DEPTH`].
    Unsupported,
}

/// Maps between character-based markers (what the parser reports) and byte
/// offsets (what diagnostics renderers want), and from byte offsets to line
/// and column.
pub struct LineIndex<'a> {
    text: &'a str,
    line_starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    /// Indexes the line starts of `text`.
    pub fn new(text: &'a str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Self { text, line_starts }
    }

    /// Byte offset of a 1-based line and 0-based character column.
    pub fn offset(&self, line: usize, char_col: usize) -> usize {
        let Some(&start) = self.line_starts.get(line.saturating_sub(1)) else {
            return self.text.len();
        };
        let rest = &self.text[start..];
        let line_text = rest.split('\n').next().unwrap_or("");
        match line_text.char_indices().nth(char_col) {
            Some((i, _)) => start + i,
            None => start + line_text.len().min(rest.len()),
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line];
        let col = self
            .text
            .get(start..offset)
            .map_or(0, |s| s.chars().count());
        (line + 1, col + 1)
    }

    /// The span of a byte range, with the line and column of `start`.
    pub fn span(&self, start: usize, end: usize) -> Span {
        let (line, column) = self.line_col(start);
        Span {
            start,
            end: end.max(start),
            line,
            column,
        }
    }

    fn span_of(&self, s: &YamlSpan) -> Span {
        let start = self.offset(s.start.line(), s.start.col());
        let end = self.offset(s.end.line(), s.end.col()).max(start);
        Span {
            start,
            end,
            line: s.start.line(),
            column: s.start.col() + 1,
        }
    }

    /// The text it indexes.
    pub fn text(&self) -> &'a str {
        self.text
    }
}

/// Parses every document of a YAML stream, recording positions.
pub fn parse_stream(text: &str) -> Result<Vec<Document>, YamlError> {
    build(text, true)
}

/// Parses every document of a YAML stream into values only, for text that
/// is usually valid (catalog files, manifests): no spans are computed. On
/// any error the text is parsed again with positions so the error is placed
/// exactly.
pub fn parse_values(text: &str) -> Result<Vec<Value>, YamlError> {
    match build(text, false) {
        Ok(docs) => Ok(docs.into_iter().map(|d| d.value).collect()),
        Err(unplaced) => Err(build(text, true).err().unwrap_or(unplaced)),
    }
}

fn build(text: &str, positions: bool) -> Result<Vec<Document>, YamlError> {
    let index = LineIndex::new(if positions { text } else { "" });
    let mut builder = Builder {
        index: &index,
        record: positions,
        docs: Vec::new(),
        stack: Vec::new(),
        anchors: HashMap::new(),
        positions: HashMap::new(),
        nodes: 0,
        doc_start: 0,
    };
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| scan_error(&LineIndex::new(text), &e))?;
        builder.on_event(event, &span)?;
    }
    Ok(builder.docs)
}

/// Parses a text that must hold exactly one document. An empty text is an error.
pub fn parse_single(text: &str) -> Result<Document, YamlError> {
    let mut docs = parse_stream(text)?;
    match docs.len() {
        1 => Ok(docs.remove(0)),
        0 => Err(YamlError {
            kind: YamlErrorKind::Syntax,
            message: "the file holds no YAML document".into(),
            span: Span {
                line: 1,
                column: 1,
                ..Span::default()
            },
            related: None,
        }),
        _ => {
            let second = docs[1].span;
            Err(YamlError {
                kind: YamlErrorKind::Syntax,
                message:
                    "the file holds more than one YAML document; a catalog file holds exactly one"
                        .into(),
                span: second,
                related: None,
            })
        }
    }
}

fn scan_error(index: &LineIndex, e: &ScanError) -> YamlError {
    let m = e.marker();
    let start = index.offset(m.line(), m.col());
    YamlError {
        kind: YamlErrorKind::Syntax,
        message: e.info().to_string(),
        span: Span {
            start,
            end: start,
            line: m.line(),
            column: m.col() + 1,
        },
        related: None,
    }
}

enum Frame {
    Seq {
        items: Vec<Value>,
        pointer: String,
        anchor: usize,
        span: Span,
    },
    Map {
        map: Map<String, Value>,
        pointer: String,
        anchor: usize,
        span: Span,
        pending_key: Option<(String, Span)>,
        keys: HashMap<String, Span>,
    },
}

struct Builder<'a, 'i> {
    index: &'a LineIndex<'i>,
    docs: Vec<Document>,
    /// Whether to compute spans and record positions (off for [`parse_values`]).
    record: bool,
    stack: Vec<Frame>,
    anchors: HashMap<usize, (Value, usize)>,
    positions: HashMap<String, NodePos>,
    nodes: usize,
    doc_start: usize,
}

impl Builder<'_, '_> {
    fn on_event(&mut self, event: Event, span: &YamlSpan) -> Result<(), YamlError> {
        let sp = if self.record {
            self.index.span_of(span)
        } else {
            Span::default()
        };
        match event {
            Event::StreamStart | Event::StreamEnd | Event::Nothing => {}
            Event::DocumentStart(_) => {
                self.doc_start = sp.start;
                self.anchors.clear();
                self.nodes = 0;
                self.positions.clear();
            }
            Event::DocumentEnd => {}
            Event::Alias(_)
                if matches!(
                    self.stack.last(),
                    Some(Frame::Map {
                        pending_key: None,
                        ..
                    })
                ) =>
            {
                return Err(YamlError {
                    kind: YamlErrorKind::Unsupported,
                    message: "an alias cannot be used as a mapping key".into(),
                    span: sp,
                    related: None,
                });
            }
            Event::Alias(id) => {
                let (value, count) = self.anchors.get(&id).cloned().ok_or_else(|| YamlError {
                    kind: YamlErrorKind::Syntax,
                    message: "alias refers to an unknown anchor".into(),
                    span: sp,
                    related: None,
                })?;
                self.count(count, sp)?;
                self.push_value(value, sp, None, 0)?;
            }
            Event::Scalar(text, style, anchor, tag) => {
                self.count(1, sp)?;
                let value = scalar_value(&text, style, tag.as_deref(), sp)?;
                // A key is a scalar seen while a mapping waits for one.
                if let Some(Frame::Map {
                    pending_key, keys, ..
                }) = self.stack.last_mut()
                {
                    if pending_key.is_none() {
                        let key = match value {
                            Value::String(s) => s,
                            Value::Null => "null".to_string(),
                            other => other.to_string(),
                        };
                        if key == "<<" && style == ScalarStyle::Plain {
                            return Err(YamlError {
                                kind: YamlErrorKind::Unsupported,
                                message:
                                    "merge keys (`<<`) are not supported: write the fields out"
                                        .into(),
                                span: sp,
                                related: None,
                            });
                        }
                        if let Some(first) = keys.get(&key) {
                            return Err(YamlError {
                                kind: YamlErrorKind::DuplicateKey,
                                message: format!("duplicate key `{key}` in this mapping"),
                                span: sp,
                                related: Some((*first, "first defined here".into())),
                            });
                        }
                        keys.insert(key.clone(), sp);
                        *pending_key = Some((key, sp));
                        return Ok(());
                    }
                }
                self.push_value(value, sp, Some(style), anchor)?;
            }
            Event::SequenceStart(anchor, _) => {
                self.count(1, sp)?;
                self.check_key_position(sp)?;
                self.check_depth(sp)?;
                let pointer = self.child_pointer_and_record(sp, None);
                self.stack.push(Frame::Seq {
                    items: Vec::new(),
                    pointer,
                    anchor,
                    span: sp,
                });
            }
            Event::MappingStart(anchor, _) => {
                self.count(1, sp)?;
                self.check_key_position(sp)?;
                self.check_depth(sp)?;
                let pointer = self.child_pointer_and_record(sp, None);
                self.stack.push(Frame::Map {
                    map: Map::new(),
                    pointer,
                    anchor,
                    span: sp,
                    pending_key: None,
                    keys: HashMap::new(),
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (value, anchor, start) = match self.stack.pop() {
                    Some(Frame::Seq {
                        items,
                        anchor,
                        span,
                        ..
                    }) => (Value::Array(items), anchor, span),
                    Some(Frame::Map {
                        map, anchor, span, ..
                    }) => (Value::Object(map), anchor, span),
                    None => return Ok(()),
                };
                let full = Span {
                    end: sp.end.max(start.end),
                    ..start
                };
                self.finish(value, anchor, full);
            }
        }
        Ok(())
    }

    fn count(&mut self, n: usize, sp: Span) -> Result<(), YamlError> {
        self.nodes += n;
        if self.nodes > MAX_NODES {
            return Err(YamlError {
                kind: YamlErrorKind::AliasLimit,
                message: format!(
                    "the document expands to more than {MAX_NODES} nodes (an alias bomb?)"
                ),
                span: sp,
                related: None,
            });
        }
        Ok(())
    }

    fn check_depth(&self, sp: Span) -> Result<(), YamlError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(YamlError {
                kind: YamlErrorKind::Unsupported,
                message: format!("nesting deeper than {MAX_DEPTH} levels"),
                span: sp,
                related: None,
            });
        }
        Ok(())
    }

    /// A collection where a mapping expects a key is a complex key: refused.
    fn check_key_position(&self, sp: Span) -> Result<(), YamlError> {
        if let Some(Frame::Map {
            pending_key: None, ..
        }) = self.stack.last()
        {
            return Err(YamlError {
                kind: YamlErrorKind::Unsupported,
                message: "complex mapping keys are not supported: keys must be plain scalars"
                    .into(),
                span: sp,
                related: None,
            });
        }
        Ok(())
    }

    /// The pointer of the node about to be added, recording its position.
    fn child_pointer_and_record(&mut self, sp: Span, style: Option<ScalarStyle>) -> String {
        if !self.record {
            return String::new();
        }
        let (pointer, key) = match self.stack.last() {
            None => (String::new(), None),
            Some(Frame::Seq { items, pointer, .. }) => (format!("{pointer}/{}", items.len()), None),
            Some(Frame::Map {
                pointer,
                pending_key,
                ..
            }) => match pending_key {
                Some((k, ksp)) => (format!("{pointer}/{}", escape_pointer(k)), Some(*ksp)),
                None => (pointer.clone(), None),
            },
        };
        self.positions.insert(
            pointer.clone(),
            NodePos {
                key,
                value: sp,
                style,
            },
        );
        pointer
    }

    fn push_value(
        &mut self,
        value: Value,
        sp: Span,
        style: Option<ScalarStyle>,
        anchor: usize,
    ) -> Result<(), YamlError> {
        self.child_pointer_and_record(sp, style);
        self.finish(value, anchor, sp);
        Ok(())
    }

    /// Attaches a finished node to its parent (or ends the document).
    fn finish(&mut self, value: Value, anchor: usize, span: Span) {
        if anchor != 0 {
            let count = count_nodes(&value);
            self.anchors.insert(anchor, (value.clone(), count));
        }
        match self.stack.last_mut() {
            None => {
                let positions = std::mem::take(&mut self.positions);
                let span = Span {
                    start: self.doc_start.min(span.start),
                    ..span
                };
                self.docs.push(Document {
                    value,
                    positions,
                    span,
                });
            }
            Some(Frame::Seq { items, .. }) => items.push(value),
            Some(Frame::Map {
                map, pending_key, ..
            }) => {
                if let Some((k, _)) = pending_key.take() {
                    map.insert(k, value);
                }
            }
        }
    }
}

fn count_nodes(v: &Value) -> usize {
    match v {
        Value::Array(a) => 1 + a.iter().map(count_nodes).sum::<usize>(),
        Value::Object(o) => 1 + o.values().map(count_nodes).sum::<usize>(),
        _ => 1,
    }
}

/// RFC 6901 escaping of one reference token.
pub fn escape_pointer(token: &str) -> String {
    if token.contains(['~', '/']) {
        token.replace('~', "~0").replace('/', "~1")
    } else {
        token.to_string()
    }
}

/// Resolves a scalar per the YAML 1.2 core schema.
fn scalar_value(
    text: &str,
    style: ScalarStyle,
    tag: Option<&saphyr_parser::Tag>,
    sp: Span,
) -> Result<Value, YamlError> {
    if let Some(tag) = tag {
        let unsupported = || YamlError {
            kind: YamlErrorKind::Unsupported,
            message: format!(
                "unsupported tag `{}{}`: only the YAML core schema tags are understood",
                tag.handle, tag.suffix
            ),
            span: sp,
            related: None,
        };
        if !tag.is_yaml_core_schema() {
            // `!` alone is the non-specific tag: a plain string.
            if tag.handle == "!" && tag.suffix.is_empty() {
                return Ok(Value::String(text.to_string()));
            }
            return Err(unsupported());
        }
        let bad = |what: &str| YamlError {
            kind: YamlErrorKind::Syntax,
            message: format!("`{text}` is not a valid {what}"),
            span: sp,
            related: None,
        };
        return match tag.suffix.as_str() {
            "str" => Ok(Value::String(text.to_string())),
            "int" => plain_int(text)
                .map(Value::Number)
                .ok_or_else(|| bad("integer")),
            "float" => plain_float(text)
                .map(Value::Number)
                .ok_or_else(|| bad("float")),
            "bool" => plain_bool(text)
                .map(Value::Bool)
                .ok_or_else(|| bad("boolean")),
            "null" => Ok(Value::Null),
            _ => Err(unsupported()),
        };
    }
    if style != ScalarStyle::Plain {
        return Ok(Value::String(text.to_string()));
    }
    Ok(resolve_plain(text))
}

/// What a plain scalar means under the YAML 1.2 core schema: null, a boolean,
/// a number, or else a string.
fn resolve_plain(text: &str) -> Value {
    match plain_kind(text) {
        PlainKind::Null => Value::Null,
        PlainKind::Bool(b) => Value::Bool(b),
        PlainKind::Number(n) => Value::Number(n),
        PlainKind::String => Value::String(text.to_string()),
    }
}

/// The type a plain scalar resolves to under the YAML 1.2 core schema.
pub(crate) enum PlainKind {
    Null,
    Bool(bool),
    Number(Number),
    String,
}

pub(crate) fn plain_kind(text: &str) -> PlainKind {
    if matches!(text, "" | "~" | "null" | "Null" | "NULL") {
        return PlainKind::Null;
    }
    if let Some(b) = plain_bool(text) {
        return PlainKind::Bool(b);
    }
    match plain_int(text).or_else(|| plain_float(text)) {
        Some(n) => PlainKind::Number(n),
        None => PlainKind::String,
    }
}

fn plain_bool(text: &str) -> Option<bool> {
    match text {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

fn plain_int(text: &str) -> Option<Number> {
    let bytes = text.as_bytes();
    if bytes.is_empty() {
        return None;
    }
    // `0x[0-9a-fA-F]+` and `0o[0-7]+`: no sign after the prefix, which
    // from_str_radix would take.
    if let Some(hex) = text.strip_prefix("0x") {
        return (!hex.starts_with(['+', '-']))
            .then(|| i64::from_str_radix(hex, 16).ok().map(Number::from))
            .flatten();
    }
    if let Some(oct) = text.strip_prefix("0o") {
        return (!oct.starts_with(['+', '-']))
            .then(|| i64::from_str_radix(oct, 8).ok().map(Number::from))
            .flatten();
    }
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if let Ok(i) = text.parse::<i64>() {
        return Some(Number::from(i));
    }
    text.parse::<u64>().ok().map(Number::from)
}

fn plain_float(text: &str) -> Option<Number> {
    // YAML 1.2 core: [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?
    let body = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let valid_mantissa = match mantissa.split_once('.') {
        Some((a, b)) => {
            !(a.is_empty() && b.is_empty())
                && a.bytes().chain(b.bytes()).all(|c| c.is_ascii_digit())
        }
        None => !mantissa.is_empty() && mantissa.bytes().all(|c| c.is_ascii_digit()),
    };
    let valid_exponent = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && e.bytes().all(|c| c.is_ascii_digit())
    });
    if !valid_mantissa || !valid_exponent || mantissa == "." {
        // .inf and .nan have no JSON form; keep them as strings.
        return None;
    }
    text.parse::<f64>().ok().and_then(Number::from_f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn values_follow_the_core_schema() {
        let doc =
            parse_single("a: 1\nb: '1'\nc: true\nd: ~\ne: 1.5\nf: 0x1F\ng: yes\nh: 1e3\ni: .5\n")
                .unwrap();
        assert_eq!(
            doc.value,
            json!({"a": 1, "b": "1", "c": true, "d": null, "e": 1.5, "f": 31, "g": "yes", "h": 1000.0, "i": 0.5})
        );
        // The core schema's hex and octal integers have no sign.
        let doc = parse_single("a: 0x-1\nb: 0x+1F\nc: 0o-7\nd: 0o17\n").unwrap();
        assert_eq!(
            doc.value,
            json!({"a": "0x-1", "b": "0x+1F", "c": "0o-7", "d": 15})
        );
    }

    #[test]
    fn positions_are_recorded_for_keys_and_values() {
        let text = "id: x\nlist:\n  - name: a\n    value: 2\n";
        let doc = parse_single(text).unwrap();
        let v = doc.node("/list/0/value").unwrap();
        assert_eq!((v.value.line, v.value.column), (4, 12));
        assert_eq!(&text[v.value.start..v.value.end], "2");
        let k = v.key.unwrap();
        assert_eq!((k.line, k.column), (4, 5));
        assert_eq!(
            doc.locate("/list/0/missing/deeper"),
            doc.node("/list/0").unwrap().value
        );
    }

    #[test]
    fn multibyte_text_keeps_byte_offsets_right() {
        let text = "title: \"héllo wörld\"\nid: é\n";
        let doc = parse_single(text).unwrap();
        let v = doc.node("/id").unwrap().value;
        assert_eq!(&text[v.start..v.end], "é");
        assert_eq!((v.line, v.column), (2, 5));
    }

    #[test]
    fn duplicate_keys_are_errors_pointing_at_both() {
        let err = parse_single("a: 1\nb: 2\na: 3\n").unwrap_err();
        assert_eq!(err.kind, YamlErrorKind::DuplicateKey);
        assert_eq!((err.span.line, err.span.column), (3, 1));
        assert_eq!(err.related.unwrap().0.line, 1);
    }

    #[test]
    fn alias_bombs_are_stopped() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let prev = i - 1;
            text.push_str(&format!("a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"));
        }
        let err = parse_single(&text).unwrap_err();
        assert_eq!(err.kind, YamlErrorKind::AliasLimit);
    }

    #[test]
    fn small_aliases_still_work() {
        let doc = parse_single("base: &b {x: 1}\nother: *b\n").unwrap();
        assert_eq!(doc.value, json!({"base": {"x": 1}, "other": {"x": 1}}));
    }

    #[test]
    fn syntax_errors_have_positions() {
        let err = parse_single("a: [1, 2\nb: 3\n").unwrap_err();
        assert_eq!(err.kind, YamlErrorKind::Syntax);
        assert!(err.span.line >= 1);
        let err = parse_single("a: 1\n  b: 2\n").unwrap_err();
        assert_eq!(err.span.line, 2);
    }

    #[test]
    fn streams_hold_several_documents() {
        let docs = parse_stream("kind: A\n---\nkind: B\n").unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[1].node("/kind").unwrap().value.line, 3);
        assert!(parse_single("").is_err());
    }

    #[test]
    fn aliases_as_keys_are_refused_not_a_panic() {
        let err = parse_single("a: &k x\n*k : 1\n").unwrap_err();
        assert_eq!(err.kind, YamlErrorKind::Unsupported);
        assert!(parse_values("a: &k x\n*k : 1\n").is_err());
        assert_eq!(parse_values("a: 1\n---\nb: 2\n").unwrap().len(), 2);
    }

    #[test]
    fn custom_tags_and_merge_keys_are_refused() {
        assert_eq!(
            parse_single("a: !custom x\n").unwrap_err().kind,
            YamlErrorKind::Unsupported
        );
        assert_eq!(
            parse_single("b: &b {x: 1}\nc:\n  <<: *b\n")
                .unwrap_err()
                .kind,
            YamlErrorKind::Unsupported
        );
        assert_eq!(
            parse_single("a: !!str 12\n").unwrap().value,
            json!({"a": "12"})
        );
    }
}
