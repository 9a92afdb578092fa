//! A line-at-a-time highlighter for the shapes manifests are written in:
//! block mappings and sequences, one-line flow collections, quoted and
//! plain scalars, block scalars and comments (YAML), and JSON.
//!
//! Highlighting with the YAML parser ([`super::manifest`]) is exact but was
//! still most of a catalog page's build time; this does the same job four
//! to six times faster. It gives up (returns `None`) on anything it does not
//! know to the letter (anchors, tags, multi-line plain or quoted scalars,
//! flow collections over several lines, complex keys), and the parser
//! takes over, so on valid YAML what it emits is what the parser would: a
//! test holds the two equal on every manifest of the catalog. It does not
//! check structure: YAML the parser refuses (a fragment in a chapter) may
//! still come out highlighted line by line, which is what a reader wants.

use super::{plain_class, quoted_len, Class, Spans};

/// `code` (YAML) as classed spans, or `None` when it takes the parser.
pub(super) fn yaml(code: &str, out: &mut Spans<'_>) -> Option<()> {
    // Inside a block scalar: the indentation its lines must exceed, and
    // where its text started (it is one span, as the parser reports it).
    let mut block: Option<(usize, Option<usize>)> = None;
    // Whether the last line was blank. Where a block scalar's span ends
    // after trailing blank lines depends on its chomping: the parser knows.
    let mut after_blank = false;
    let mut offset = 0;
    for line in code.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let mut line_from = start;
        let text = line.trim_end_matches(['\n', '\r']);
        let indent = text.len() - text.trim_start_matches(' ').len();
        let rest = &text[indent..];
        if rest.starts_with('\t') {
            return None;
        }
        if let Some((parent, begun)) = block {
            if rest.is_empty() {
                // A blank line inside a block scalar, or after it.
                begun?;
                after_blank = true;
                continue;
            }
            if indent > parent {
                if begun.is_none() {
                    out.push(&code[start..start + indent], None);
                    block = Some((parent, Some(start + indent)));
                }
                after_blank = false;
                continue;
            }
            let from = begun?;
            if after_blank {
                return None;
            }
            // The parser's span runs up to the next node, indentation and
            // all.
            out.push(&code[from..start + indent], Some(Class::String));
            block = None;
            line_from = start + indent;
        }
        let mut cursor = Cursor {
            code,
            at: line_from,
        };
        cursor.to(out, start + indent, None);
        if rest.is_empty() {
            cursor.to(out, offset, None);
            continue;
        }
        if rest.starts_with('#') {
            cursor.to(out, start + text.len(), Some(Class::Comment));
            cursor.to(out, offset, None);
            continue;
        }
        if rest == "---" || rest == "..." {
            cursor.to(out, offset, None);
            continue;
        }
        // Sequence entries: "- ", possibly several on one line.
        let mut pos = start + indent;
        let mut node_indent = indent;
        while code[pos..start + text.len()].starts_with("- ")
            || &code[pos..start + text.len()] == "-"
        {
            let skip = code[pos + 1..start + text.len()].len()
                - code[pos + 1..start + text.len()]
                    .trim_start_matches(' ')
                    .len();
            node_indent = pos - start;
            pos += 1 + skip;
        }
        let line_end = start + text.len();
        if pos == line_end {
            cursor.to(out, offset, None);
            continue;
        }
        // A key, then its value; or a value alone (a sequence entry).
        let (value_from, had_key) = match key_end(&code[pos..line_end]) {
            Some((key_len, colon)) => {
                cursor.to(out, pos, None);
                cursor.to(out, pos + key_len, Some(Class::Key));
                (pos + colon + 1, true)
            }
            None => (pos, false),
        };
        if !had_key && pos == start + indent {
            // A line that is neither a key nor an entry continues a scalar
            // from the line before: the parser knows what it means.
            return None;
        }
        let value = &code[value_from..line_end];
        let lead = value.len() - value.trim_start_matches(' ').len();
        let v = value_from + lead;
        cursor.to(out, v, None);
        let (body_end, comment) = split_comment(&code[v..line_end]);
        let body = &code[v..v + body_end];
        let body_trimmed = body.trim_end_matches(' ');
        if let Some(first) = body_trimmed.chars().next() {
            match first {
                '"' | '\'' => {
                    let len = quoted_len(body_trimmed)?;
                    if len != body_trimmed.len() {
                        return None;
                    }
                    cursor.to(out, v + len, Some(Class::String));
                }
                '|' | '>' => {
                    if !body_trimmed[1..]
                        .chars()
                        .all(|c| matches!(c, '-' | '+' | '1'..='9'))
                    {
                        return None;
                    }
                    // Its lines are indented more than the node it is the
                    // value of: the key, or the sequence entry.
                    block = Some((if had_key { pos - start } else { node_indent }, None));
                }
                '[' | '{' => {
                    let mut flow = Flow {
                        code,
                        at: v,
                        end: v + body_trimmed.len(),
                    };
                    cursor.to(out, v, None);
                    flow.collection(out)?;
                    if flow.at != flow.end {
                        return None;
                    }
                    cursor.at = flow.at;
                }
                '&' | '*' | '!' | '%' | '@' | '`' | '?' | ']' | '}' | ',' => return None,
                _ => {
                    if body_trimmed.contains(": ") || body_trimmed.ends_with(':') {
                        return None;
                    }
                    cursor.to(out, v + body_trimmed.len(), plain_class(body_trimmed));
                }
            }
        }
        if comment {
            let c = v + body_end;
            let hash = c + code[c..line_end].find('#')?;
            cursor.to(out, hash, None);
            cursor.to(out, line_end, Some(Class::Comment));
        }
        cursor.to(out, offset, None);
    }
    if let Some((_, begun)) = block {
        let from = begun?;
        if after_blank || !code.ends_with('\n') {
            return None;
        }
        out.push(&code[from..], Some(Class::String));
    }
    Some(())
}

/// Where the text of a line has been written up to.
struct Cursor<'a> {
    code: &'a str,
    at: usize,
}

impl Cursor<'_> {
    /// Writes the text up to `to` in `class`.
    fn to(&mut self, out: &mut Spans<'_>, to: usize, class: Option<Class>) {
        out.push(&self.code[self.at..to], class);
        self.at = to;
    }
}

/// The key at the start of `text`: (its length, where its `:` is), when
/// `text` is `key: ...` or `key:` with a plain or one-line quoted key.
fn key_end(text: &str) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let key_len = match bytes.first()? {
        b'"' | b'\'' => quoted_len(text)?,
        b'#' | b'&' | b'*' | b'!' | b'|' | b'>' | b'%' | b'@' | b'`' | b'[' | b']' | b'{'
        | b'}' | b',' | b'?' | b'-' | b':' => return None,
        _ => {
            let mut i = 0;
            loop {
                match bytes.get(i) {
                    None => return None,
                    Some(b':') if matches!(bytes.get(i + 1), None | Some(b' ')) => break,
                    Some(b'#') if i > 0 && bytes[i - 1] == b' ' => return None,
                    Some(_) => i += 1,
                }
            }
            text[..i].trim_end_matches(' ').len()
        }
    };
    let after = &text[key_len..];
    let spaces = after.len() - after.trim_start_matches(' ').len();
    let colon = key_len + spaces;
    (bytes.get(colon) == Some(&b':') && matches!(bytes.get(colon + 1), None | Some(b' ')))
        .then_some((key_len, colon))
}

/// Where a value's text ends before a ` #` comment outside quotes, and
/// whether there is one.
fn split_comment(text: &str) -> (usize, bool) {
    let bytes = text.as_bytes();
    let mut quote = None;
    let mut i = 0;
    while i < bytes.len() {
        match (quote, bytes[i]) {
            (None, b'"' | b'\'') if i == 0 || matches!(bytes[i - 1], b' ' | b'[' | b'{' | b',') => {
                quote = Some(bytes[i])
            }
            (Some(b'"'), b'\\') => i += 1,
            (Some(q), b) if b == q => quote = None,
            (None, b'#') if i == 0 || bytes[i - 1] == b' ' => return (i, true),
            _ => {}
        }
        i += 1;
    }
    (bytes.len(), false)
}

/// A one-line flow collection: `[a, 1, "b"]`, `{k: v, n: [1]}`.
struct Flow<'a> {
    code: &'a str,
    at: usize,
    end: usize,
}

impl Flow<'_> {
    fn skip_spaces(&mut self) {
        while self.at < self.end && self.code.as_bytes()[self.at] == b' ' {
            self.at += 1;
        }
    }

    fn collection(&mut self, out: &mut Spans<'_>) -> Option<()> {
        let bytes = self.code.as_bytes();
        let (open, close) = (
            bytes[self.at],
            if bytes[self.at] == b'[' { b']' } else { b'}' },
        );
        let mapping = open == b'{';
        let start = self.at;
        self.at += 1;
        let mut pending = start;
        loop {
            self.skip_spaces();
            if self.at >= self.end {
                return None;
            }
            if bytes[self.at] == close {
                self.at += 1;
                out.push(&self.code[pending..self.at], None);
                return Some(());
            }
            // One entry: a node, or in a mapping `key: node`.
            out.push(&self.code[pending..self.at], None);
            if mapping {
                let (len, is_key) = self.scalar(close)?;
                out.push(&self.code[self.at..self.at + len], is_key);
                self.at += len;
                pending = self.at;
                self.skip_spaces();
                if bytes.get(self.at) != Some(&b':') {
                    return None;
                }
                self.at += 1;
                self.skip_spaces();
                out.push(&self.code[pending..self.at], None);
            }
            if matches!(bytes.get(self.at), Some(b'[' | b'{')) {
                self.collection(out)?;
            } else {
                let (len, _) = self.scalar(close)?;
                let text = &self.code[self.at..self.at + len];
                let class = match text.as_bytes().first() {
                    Some(b'"' | b'\'') => Some(Class::String),
                    _ => plain_class(text),
                };
                out.push(text, class);
                self.at += len;
            }
            pending = self.at;
            self.skip_spaces();
            match bytes.get(self.at) {
                Some(b',') => self.at += 1,
                Some(&b) if b == close => {}
                _ => return None,
            }
        }
    }

    /// The scalar at `at` in a flow collection: its length, and the key
    /// class when it is quoted or plain (a mapping's key).
    fn scalar(&self, close: u8) -> Option<(usize, Option<Class>)> {
        let text = &self.code[self.at..self.end];
        let bytes = text.as_bytes();
        match bytes.first()? {
            b'"' | b'\'' => Some((quoted_len(text)?, Some(Class::Key))),
            b'&' | b'*' | b'!' | b'#' | b'?' | b'-' | b'[' | b'{' | b']' | b'}' | b',' | b':'
            | b'|' | b'>' | b'%' | b'@' | b'`' => None,
            _ => {
                let mut i = 0;
                while i < bytes.len() {
                    match bytes[i] {
                        b',' | b'[' | b']' | b'{' | b'}' => break,
                        b':' if matches!(
                            bytes.get(i + 1),
                            None | Some(b' ' | b',' | b']' | b'}')
                        ) =>
                        {
                            break
                        }
                        b'#' if bytes[i - 1] == b' ' => return None,
                        _ => i += 1,
                    }
                }
                if i < bytes.len() && bytes[i] != close && bytes[i] != b',' && bytes[i] != b':' {
                    return None;
                }
                let len = text[..i].trim_end_matches(' ').len();
                (len > 0).then_some((len, Some(Class::Key)))
            }
        }
    }
}

/// `code` (JSON) as classed spans, or `None` when it is not plain JSON.
pub(super) fn json(code: &str, out: &mut Spans<'_>) -> Option<()> {
    let bytes = code.as_bytes();
    let mut i = 0;
    let mut plain = 0;
    while i < bytes.len() {
        let (len, class) = match bytes[i] {
            b' ' | b'\t' | b'\n' | b'\r' | b'[' | b']' | b'{' | b'}' | b',' | b':' => {
                i += 1;
                continue;
            }
            b'"' => {
                let len = quoted_len(&code[i..])?;
                let rest = code[i + len..].trim_start_matches([' ', '\t', '\n', '\r']);
                let class = if rest.starts_with(':') {
                    Class::Key
                } else {
                    Class::String
                };
                (len, class)
            }
            b't' if code[i..].starts_with("true") => (4, Class::Literal),
            b'f' if code[i..].starts_with("false") => (5, Class::Literal),
            b'n' if code[i..].starts_with("null") => (4, Class::Literal),
            b'-' | b'0'..=b'9' => {
                let len = bytes[i..]
                    .iter()
                    .take_while(|b| matches!(b, b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9'))
                    .count();
                match plain_class(&code[i..i + len]) {
                    Some(Class::Number) => (len, Class::Number),
                    _ => return None,
                }
            }
            _ => return None,
        };
        out.push(&code[plain..i], None);
        out.push(&code[i..i + len], Some(class));
        i += len;
        plain = i;
    }
    out.push(&code[plain..], None);
    Some(())
}

#[cfg(test)]
mod tests {
    use super::super::{answer, manifest};

    fn yaml(code: &str) -> Option<String> {
        answer(|o| super::yaml(code, o))
    }

    fn json(code: &str) -> Option<String> {
        answer(|o| super::json(code, o))
    }

    fn parsed(code: &str) -> Option<String> {
        answer(|o| manifest::highlight(code, o))
    }

    /// Whatever the line highlighter answers is what the parser answers.
    fn agrees(code: &str) -> bool {
        let fast = yaml(code);
        if let Some(html) = &fast {
            assert_eq!(Some(html), parsed(code).as_ref(), "{code}");
        }
        fast.is_some()
    }

    #[test]
    fn common_shapes_take_the_fast_path() {
        for code in [
            "a: 1\nb: \"x # y\" # c\n",
            "kind: PodChaos\nspec:\n  mode: one\n  list: [a, 2, \"q\", {k: v, n: [true, null]}]\n",
            "items:\n  - name: x\n    value: '1'\n  - - nested\n    - 2.5\n",
            "run: |\n  echo 1\n\n  echo 2\nnext: ok\n",
            "# top\n---\nk: v\n...\n",
            "key with spaces: value with spaces   # trailing\nurl: http://x/#frag\n",
            "clé: \"żółw\"\nn: -3\n",
            "- |\n  text\n- >-\n  folded\n  more\n",
        ] {
            assert!(agrees(code), "took the parser: {code}");
        }
    }

    #[test]
    fn everything_else_goes_to_the_parser() {
        for code in [
            "a: &x 1\nb: *x\n",
            "a: !!str 1\n",
            "a: plain\n  continued\n",
            "a: \"quoted\n  on two lines\"\n",
            "a: [1,\n  2]\n",
            "? complex\n: key\n",
            "a: |\n  text\n\nb: 1\n",
            "a: |\n  text\n   \nb: 1\n",
            "a: |+\n  text\n\n",
            "\tk: v\n",
            "just a scalar\n",
        ] {
            assert!(!agrees(code), "fast path on: {code}");
        }
    }

    #[test]
    fn json_agrees_with_the_parser() {
        for code in [
            "{\"a\": 1, \"b\": [true, false, null, -1.5e3], \"c\": {\"d\": \"e \\\" f\"}}\n",
            "[\n  {\"k\" : \"v\"}\n]",
        ] {
            let fast = json(code).expect("plain JSON");
            assert_eq!(Some(fast), parsed(code), "{code}");
        }
        assert!(json("{\"a\": 1} // comment").is_none());
    }
}
