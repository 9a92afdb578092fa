//! The language of a fenced code block: the token of its info string and
//! the one table of aliases (`yml` is YAML, `sh` is the shell...), which
//! the site's highlighter and the PDF's map to what they support.

/// The language token of a fenced block's info string: `yaml`, `rust,ignore`
/// -> `rust`, `sh title="x"` -> `sh`.
pub fn language_of(info: &str) -> &str {
    info.split(|c: char| c == ',' || c == '{' || c.is_whitespace())
        .next()
        .unwrap_or("")
        .trim()
}

/// The language a token names, by its canonical name (any case:
/// `YML` -> `yaml`), or `None` when chaosbook knows no such language.
pub fn canonical(token: &str) -> Option<&'static str> {
    Some(match token.to_ascii_lowercase().as_str() {
        "sh" | "shell" | "bash" | "zsh" | "console" | "shell-session" | "shellsession"
        | "terminal" => "bash",
        "dockerfile" => "dockerfile",
        "yml" | "yaml" => "yaml",
        "json" | "jsonc" | "json5" | "jsonl" | "ndjson" => "json",
        "toml" => "toml",
        "promql" | "prometheus" | "prom" | "metricsql" => "promql",
        "py" | "python" | "python3" => "python",
        "js" | "javascript" | "mjs" => "javascript",
        "ts" | "typescript" => "typescript",
        "rs" | "rust" => "rust",
        "go" | "golang" => "go",
        "html" => "html",
        "xml" => "xml",
        "css" => "css",
        "sql" => "sql",
        "java" => "java",
        "c" => "c",
        "cpp" | "c++" => "cpp",
        "diff" | "patch" => "diff",
        "makefile" | "make" => "makefile",
        "ruby" | "rb" => "ruby",
        "ini" => "ini",
        "hcl" | "terraform" | "tf" => "hcl",
        "md" | "markdown" => "markdown",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn info_strings_and_aliases() {
        assert_eq!(language_of("rust,ignore"), "rust");
        assert_eq!(language_of("yaml title=\"a\""), "yaml");
        assert_eq!(language_of("toml{.x}"), "toml");
        assert_eq!(canonical("YML"), Some("yaml"));
        assert_eq!(canonical("shell-session"), Some("bash"));
        assert_eq!(canonical("tf"), Some("hcl"));
        assert_eq!(canonical("brainfuck"), None);
    }
}
