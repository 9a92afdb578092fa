//! YAML and JSON highlighted from the YAML parser's events.
//!
//! JSON is YAML too, so one reader serves every manifest. A scalar in a
//! mapping's key position is a key, quoted and block scalars are strings,
//! and plain scalars are numbers, booleans or null exactly when the catalog's
//! loader ([`crate::catalog::yaml`]) reads them so. Comments are what the
//! parser skips: a `#` after whitespace, between two nodes.

use super::{plain_class, quoted_len, Class, Spans};
use saphyr_parser::{Event, Parser, ScalarStyle};

/// What the parser is inside of, to tell keys from values.
enum Frame {
    Mapping { key_next: bool },
    Sequence,
}

/// `code` as classed spans, or `None` when it is not valid YAML.
pub(super) fn highlight(code: &str, out: &mut Spans<'_>) -> Option<()> {
    let tokens = classify(code)?;
    let mut at = 0;
    for (start, end, class) in tokens {
        if start < at || end > code.len() {
            continue;
        }
        gap(out, code, at, start);
        out.push(&code[start..end], Some(class));
        at = end;
    }
    gap(out, code, at, code.len());
    Some(())
}

/// Byte ranges of the classed scalars, in source order.
fn classify(code: &str) -> Option<Vec<(usize, usize, Class)>> {
    // The parser counts characters; the spans need bytes.
    let offsets: Option<Vec<usize>> = (!code.is_ascii()).then(|| {
        code.char_indices()
            .map(|(i, _)| i)
            .chain(std::iter::once(code.len()))
            .collect()
    });
    let byte = |index: usize| match &offsets {
        Some(table) => table.get(index).copied().unwrap_or(code.len()),
        None => index.min(code.len()),
    };
    let mut parser = Parser::new_from_str(code);
    let mut frames: Vec<Frame> = Vec::new();
    let mut tokens = Vec::new();
    // A node in a mapping alternates key, value, key...
    let is_key = |frames: &mut Vec<Frame>| match frames.last_mut() {
        Some(Frame::Mapping { key_next }) => {
            *key_next = !*key_next;
            !*key_next
        }
        _ => false,
    };
    loop {
        let (event, span) = parser.next_event()?.ok()?;
        match event {
            Event::StreamEnd => break,
            Event::Scalar(value, style, ..) => {
                let class = if is_key(&mut frames) {
                    Some(Class::Key)
                } else if style == ScalarStyle::Plain {
                    plain_class(&value)
                } else {
                    Some(Class::String)
                };
                if let Some(class) = class {
                    let start = byte(span.start.index());
                    // saphyr-parser 0.0.6 ends a quoted scalar by its byte
                    // length counted as characters; find the closing quote.
                    let end = match style {
                        ScalarStyle::DoubleQuoted | ScalarStyle::SingleQuoted => {
                            quoted_len(&code[start..])
                                .map_or_else(|| byte(span.end.index()), |len| start + len)
                        }
                        _ => byte(span.end.index()),
                    };
                    tokens.push((start, end, class));
                }
            }
            Event::MappingStart(..) => {
                is_key(&mut frames);
                frames.push(Frame::Mapping { key_next: true });
            }
            Event::SequenceStart(..) => {
                is_key(&mut frames);
                frames.push(Frame::Sequence);
            }
            Event::MappingEnd | Event::SequenceEnd => {
                frames.pop();
            }
            Event::Alias(_) => {
                is_key(&mut frames);
            }
            _ => {}
        }
    }
    Some(tokens)
}

/// Text between two nodes: indicators, whitespace and comments.
fn gap(out: &mut Spans<'_>, code: &str, from: usize, to: usize) {
    let bytes = code.as_bytes();
    let mut at = from;
    let mut i = from;
    while i < to {
        let starts_comment =
            bytes[i] == b'#' && (i == 0 || matches!(bytes[i - 1], b' ' | b'\t' | b'\n' | b'\r'));
        if starts_comment {
            let end = code[i..to].find('\n').map_or(to, |n| i + n);
            out.push(&code[at..i], None);
            out.push(&code[i..end], Some(Class::Comment));
            at = end;
            i = end;
        } else {
            i += 1;
        }
    }
    out.push(&code[at..to], None);
}

#[cfg(test)]
mod tests {
    fn highlight(code: &str) -> Option<String> {
        super::super::answer(|o| super::highlight(code, o))
    }

    #[test]
    fn keys_values_and_comments_are_what_the_parser_reads() {
        let html = highlight(
            "# top\nkind: PodChaos # trailing\nspec:\n  count: 3\n  on: true\n  none: ~\n  q: \"a # b\"\n  url: http://x/#frag\n  - \n",
        );
        assert!(html.is_none(), "invalid YAML falls back: {html:?}");
        let html = highlight(
            "# top\nkind: PodChaos # trailing\nspec:\n  count: 3\n  on: true\n  none: ~\n  q: \"a # b\"\n  url: http://x/#frag\n",
        )
        .unwrap();
        assert_eq!(
            html,
            "<span class=\"hl-c\"># top</span>\n<span class=\"hl-k\">kind</span>: PodChaos <span class=\"hl-c\"># trailing</span>\n\
             <span class=\"hl-k\">spec</span>:\n  <span class=\"hl-k\">count</span>: <span class=\"hl-n\">3</span>\n  \
             <span class=\"hl-k\">on</span>: <span class=\"hl-l\">true</span>\n  <span class=\"hl-k\">none</span>: <span class=\"hl-l\">~</span>\n  \
             <span class=\"hl-k\">q</span>: <span class=\"hl-s\">&quot;a # b&quot;</span>\n  <span class=\"hl-k\">url</span>: http://x/#frag\n"
        );
    }

    #[test]
    fn block_scalars_flow_collections_and_sequences() {
        let html = highlight("run: |\n  echo 1 # not a comment\nlist: [a, 2, {k: v}]\nitems:\n  - name: x\n    value: \"1\"\n").unwrap();
        assert!(
            html.contains("<span class=\"hl-s\">echo 1 # not a comment\n</span>"),
            "{html}"
        );
        assert!(
            html.contains("[a, <span class=\"hl-n\">2</span>, {<span class=\"hl-k\">k</span>: v}]"),
            "{html}"
        );
        assert!(html.contains("- <span class=\"hl-k\">name</span>: x\n    <span class=\"hl-k\">value</span>: <span class=\"hl-s\">&quot;1&quot;</span>"), "{html}");
    }

    #[test]
    fn json_keys_and_values() {
        let html =
            highlight("{\"actionId\": \"aws:ec2:stop\", \"n\": 2, \"x\": null, \"t\": [true]}")
                .unwrap();
        assert_eq!(
            html,
            "{<span class=\"hl-k\">&quot;actionId&quot;</span>: <span class=\"hl-s\">&quot;aws:ec2:stop&quot;</span>, \
             <span class=\"hl-k\">&quot;n&quot;</span>: <span class=\"hl-n\">2</span>, <span class=\"hl-k\">&quot;x&quot;</span>: \
             <span class=\"hl-l\">null</span>, <span class=\"hl-k\">&quot;t&quot;</span>: [<span class=\"hl-l\">true</span>]}"
        );
    }

    #[test]
    fn multibyte_text_keeps_spans_on_character_boundaries() {
        let html = highlight("clé: \"żółw\" # ünï\nn: 1\n").unwrap();
        assert_eq!(
            html,
            "<span class=\"hl-k\">clé</span>: <span class=\"hl-s\">&quot;żółw&quot;</span> <span class=\"hl-c\"># ünï</span>\n\
             <span class=\"hl-k\">n</span>: <span class=\"hl-n\">1</span>\n"
        );
    }

    #[test]
    fn markup_in_values_is_escaped() {
        let html = highlight("a: <script>x</script>\nb: '&'\n").unwrap();
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("&lt;script&gt;x&lt;/script&gt;"), "{html}");
        assert!(
            html.contains("<span class=\"hl-s\">&#39;&amp;&#39;</span>"),
            "{html}"
        );
    }

    #[test]
    fn quoted_scalars_end_at_their_closing_quote() {
        let html = highlight("a: \"x\\\" é\" # c\nb: 'it''s ü' # d\nc: !!str \"t\"\n").unwrap();
        assert!(html.contains("<span class=\"hl-s\">&quot;x\\&quot; é&quot;</span> <span class=\"hl-c\"># c</span>"), "{html}");
        assert!(html.contains("<span class=\"hl-s\">&#39;it&#39;&#39;s ü&#39;</span> <span class=\"hl-c\"># d</span>"), "{html}");
        assert!(
            html.contains("!!str <span class=\"hl-s\">&quot;t&quot;</span>"),
            "{html}"
        );
    }

    #[test]
    fn several_documents_and_anchors() {
        let html = highlight("---\na: &x 1\nb: *x\n---\nc: d\n").unwrap();
        assert!(
            html.contains("<span class=\"hl-k\">a</span>: &amp;x <span class=\"hl-n\">1</span>"),
            "{html}"
        );
        assert!(
            html.contains("<span class=\"hl-k\">b</span>: *x\n---\n<span class=\"hl-k\">c</span>"),
            "{html}"
        );
    }
}
