//! Variables named in nginx values (`$host`, `${arg_x}`, `$1`), as nginx's script
//! compiler reads them.

/// The variables a value uses, lower-cased (nginx looks variable names up
/// case-insensitively: `$HTTP_HOST` is `$http_host`), without `$` or braces, in order.
/// Numbered captures (`$1`) are returned as their digits.
pub fn variables(value: &str) -> Vec<String> {
    let bytes = value.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'$' {
            i += 1;
            continue;
        }
        i += 1;
        let braced = bytes.get(i) == Some(&b'{');
        if braced {
            i += 1;
        }
        let start = i;
        if bytes.get(i).is_some_and(u8::is_ascii_digit) {
            while bytes.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
        } else {
            while bytes
                .get(i)
                .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
            {
                i += 1;
            }
        }
        if i > start {
            out.push(value[start..i].to_ascii_lowercase());
        }
        if braced && bytes.get(i) == Some(&b'}') {
            i += 1;
        }
    }
    out
}

/// Where a variable's value comes from, for what an attacker controls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// A request header, cookie or query argument: whatever the client sends.
    Client,
    /// Derived from the request URI after decoding (`$uri`, `$document_uri`): may hold
    /// any byte the client percent-encodes, `%0d%0a` included.
    DecodedUri,
    /// Anything else (server-side values, or not known).
    Other,
}

/// What the client controls in a variable.
pub fn origin(name: &str) -> Origin {
    if name.starts_with("http_")
        || name.starts_with("arg_")
        || name.starts_with("cookie_")
        || matches!(
            name,
            "args" | "query_string" | "request_uri" | "request_body"
        )
    {
        Origin::Client
    } else if matches!(name, "uri" | "document_uri") {
        Origin::DecodedUri
    } else {
        Origin::Other
    }
}

/// `value` with each variable that `set` gives one literal value replaced by it
/// (`set_values`: [`super::nginx::NginxModel::set_values`]), as far as the first one it
/// cannot replace (a built-in such as `$uri`, one set several ways or with a variable):
/// the text up to there, and whether every variable was replaced.
///
/// ```
/// use std::collections::HashMap;
/// let mut set = HashMap::new();
/// set.insert("php".to_string(), vec!["8.4".to_string()]);
/// let (text, whole) = lint_rules::model::variables::substitute("unix:/run/php/php$php-fpm.sock", &set);
/// assert_eq!((text.as_str(), whole), ("unix:/run/php/php8.4-fpm.sock", true));
/// let (text, whole) = lint_rules::model::variables::substitute("$host:9000", &set);
/// assert_eq!((text.as_str(), whole), ("", false));
/// ```
pub fn substitute<S: std::hash::BuildHasher>(
    value: &str,
    set_values: &std::collections::HashMap<String, Vec<String>, S>,
) -> (String, bool) {
    let mut out = String::new();
    let mut rest = value;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let (name, tail) = if let Some(braced) = after.strip_prefix('{') {
            match braced.split_once('}') {
                Some((n, t)) => (n, t),
                None => return (out, false),
            }
        } else {
            let end = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            (&after[..end], &after[end..])
        };
        match set_values.get(name).map(Vec::as_slice) {
            Some([value]) if !value.contains('$') => out.push_str(value),
            _ => return (out, false),
        }
        rest = tail;
    }
    out.push_str(rest);
    (out, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_plain_braced_and_numbered_variables() {
        assert_eq!(
            variables("www.${ARG_sub}.x/$1$uri-$HTTP_X_Y$"),
            ["arg_sub", "1", "uri", "http_x_y"]
        );
        assert!(variables("no variables").is_empty());
    }
}
