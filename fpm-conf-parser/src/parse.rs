//! One php-fpm file, line by line, as php-fpm reads it: each physical line is
//! a separate INI document (nothing spans lines), `;` comments, `[section]`,
//! `key = value`, `key[sub] = value`. `#` is not a comment.

use std::collections::BTreeMap;

use lint_source::{Diagnostic, Edit, FileId, Fix, Span};

use crate::codes::{HASH_COMMENT, SYNTAX};

/// A string of an [`Entry`], exactly sized: 16 bytes, not a `String`'s 24 with its
/// spare capacity (a 5 000-site tree has 140 000 entries, three strings each). It reads
/// as a `str` (`Deref`) and compares with one (`entry.key == "listen"`).
///
/// ```
/// use fpm_conf_parser::Word;
/// let w = Word::from("listen");
/// assert!(w == "listen" && w.starts_with("li"));
/// assert_eq!(format!("{w} {w:?}"), "listen \"listen\"");
/// ```
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Word(Box<str>);

impl Word {
    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for Word {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Word {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl AsRef<std::path::Path> for Word {
    fn as_ref(&self) -> &std::path::Path {
        std::path::Path::new(&*self.0)
    }
}

impl AsRef<std::ffi::OsStr> for Word {
    fn as_ref(&self) -> &std::ffi::OsStr {
        std::ffi::OsStr::new(&*self.0)
    }
}

impl std::borrow::Borrow<str> for Word {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Word {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&*self.0, f)
    }
}

impl std::fmt::Display for Word {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(&*self.0, f)
    }
}

impl From<String> for Word {
    fn from(s: String) -> Self {
        Word(s.into_boxed_str())
    }
}

impl From<&str> for Word {
    fn from(s: &str) -> Self {
        Word(s.into())
    }
}

impl From<Word> for String {
    fn from(w: Word) -> Self {
        w.0.into_string()
    }
}

impl PartialEq<str> for Word {
    fn eq(&self, other: &str) -> bool {
        *self.0 == *other
    }
}

impl PartialEq<&str> for Word {
    fn eq(&self, other: &&str) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<String> for Word {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<Word> for str {
    fn eq(&self, other: &Word) -> bool {
        *self == *other.0
    }
}

impl PartialEq<Word> for &str {
    fn eq(&self, other: &Word) -> bool {
        **self == *other.0
    }
}

impl PartialEq<Word> for String {
    fn eq(&self, other: &Word) -> bool {
        **self == *other.0
    }
}

/// One `key = value` line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The key as written (`pm.max_children`, `php_admin_value`).
    pub key: Word,
    /// The array key for `name[key]` entries.
    pub array_key: Option<Word>,
    /// Span of the key (with its `[...]`).
    pub key_span: Span,
    /// The value after quotes, keywords and `${VAR}` expansion (`$pool` is not yet expanded).
    pub value: Word,
    /// Span of the value text (to the comment or end of line).
    pub value_span: Span,
    /// True when the value had no quotes at all (keywords like `yes` were converted).
    pub bare: bool,
    /// True when the value is an integer expression (`E_ALL & ~E_NOTICE`).
    pub expression: bool,
}

/// A line of a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Line {
    /// `[name]`.
    Section {
        /// The name between the brackets, as written.
        name: String,
        /// Span of the whole `[...]`.
        span: Span,
    },
    /// `key = value`.
    Entry(Entry),
}

/// Where `${VAR}` values come from.
pub type Env = BTreeMap<String, String>;

fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

const KEYWORDS_TRUE: [&str; 3] = ["true", "on", "yes"];
const KEYWORDS_FALSE: [&str; 5] = ["false", "off", "no", "none", "null"];

/// Parses a whole file into lines; problems become diagnostics. Unknown
/// `${VAR}`s are collected in `unknown_vars` (the caller decides how to say it).
/// php-fpm reads its files one line at a time (`fpm_conf_load_ini_file` hands each line
/// to the INI parser), so a double quote cannot span lines there.
pub fn parse_lines(
    file: FileId,
    text: &[u8],
    env: &Env,
    diags: &mut Vec<Diagnostic>,
    unknown_vars: &mut Vec<(String, Span)>,
) -> Vec<Line> {
    parse_all(file, text, env, diags, unknown_vars, false)
}

/// [`parse_lines`] for php.ini, which PHP reads as a whole: a double-quoted value runs
/// across lines to the next `"` (Zend's INI scanner), swallowing the lines in between. That
/// is reported as a warning; only a quote never closed is an error.
pub fn parse_php_ini_lines(
    file: FileId,
    text: &[u8],
    env: &Env,
    diags: &mut Vec<Diagnostic>,
    unknown_vars: &mut Vec<(String, Span)>,
) -> Vec<Line> {
    parse_all(file, text, env, diags, unknown_vars, true)
}

/// Where a double quote left open on the line `[start, end)` closes, searching on from
/// `end` (`None`: the line closes its quotes, or nothing after it does).
fn open_quote_closes_at(text: &[u8], start: usize, end: usize) -> Option<usize> {
    let mut in_quote = false;
    let mut i = start;
    while i < end {
        match text[i] {
            b'\\' if in_quote => i += 1,
            b'"' => in_quote = !in_quote,
            b';' if !in_quote => return None,
            _ => {}
        }
        i += 1;
    }
    if !in_quote {
        return None;
    }
    let mut j = end;
    while j < text.len() {
        match text[j] {
            b'\\' => j += 1,
            b'"' => return Some(j),
            _ => {}
        }
        j += 1;
    }
    None
}

fn parse_all(
    file: FileId,
    text: &[u8],
    env: &Env,
    diags: &mut Vec<Diagnostic>,
    unknown_vars: &mut Vec<(String, Span)>,
    multiline_quotes: bool,
) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut start = 0;
    if text.starts_with(b"\xEF\xBB\xBF") {
        start = 3;
    }
    while start < text.len() {
        // memchr: a byte-by-byte search was a third of this parser's instructions.
        let mut end = memchr::memchr(b'\n', &text[start..]).map_or(text.len(), |p| start + p);
        if multiline_quotes {
            if let Some(close) = open_quote_closes_at(text, start, end) {
                let first_end = end;
                end = memchr::memchr(b'\n', &text[close..]).map_or(text.len(), |p| close + p);
                let swallowed = text[first_end..close]
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count();
                diags.push(
                    Diagnostic::new(
                        &SYNTAX,
                        Span::new(file, start, first_end),
                        format!("this double-quoted value is not closed on its line: PHP reads on to the next `\"`, {swallowed} line(s) below, and what is between is part of the value"),
                    )
                    .with_severity(lint_source::Severity::Warning)
                    .with_related(Span::new(file, close, close + 1), "the quote that closes it")
                    .with_help("close the quote on its line: the settings in between are not read"),
                );
            }
        }
        let mut line_end = end;
        if line_end > start && text[line_end - 1] == b'\r' {
            line_end -= 1;
        }
        // php.ini goes through PHP's own callback (`php_ini_parser_cb`), not php-fpm's: a
        // bare string is skipped ("nothing to do"), and a `#` line is such a string or a
        // key nothing reads. `php-fpm8.2 -t -c` and `php8.2 -c` accept both and apply the
        // rest of the file (checked); php-fpm's own files refuse them (FPM001, FPM002).
        if multiline_quotes && ini_line_ignored(text, start, line_end) {
            start = end + 1;
            continue;
        }
        if let Some(line) = parse_line(file, text, start, line_end, env, diags, unknown_vars) {
            lines.push(line);
        }
        start = end + 1;
    }
    lines
}

/// A php.ini line PHP passes over: a `#` line, or text without `=` that is no section
/// header (blank and `;` lines are passed over by [`parse_line`] itself).
fn ini_line_ignored(text: &[u8], start: usize, end: usize) -> bool {
    let Some(i) = (start..end).find(|&i| !is_blank(text[i])) else {
        return false;
    };
    match text[i] {
        b'#' => true,
        b'[' | b';' => false,
        _ => find_eq(text, i, end).is_none(),
    }
}

fn parse_line(
    file: FileId,
    text: &[u8],
    start: usize,
    end: usize,
    env: &Env,
    diags: &mut Vec<Diagnostic>,
    unknown_vars: &mut Vec<(String, Span)>,
) -> Option<Line> {
    let mut i = start;
    while i < end && is_blank(text[i]) {
        i += 1;
    }
    if i >= end || text[i] == b';' {
        return None;
    }
    let span = |a: usize, b: usize| Span::new(file, a, b);
    if text[i] == b'#' {
        let content = String::from_utf8_lossy(&text[i..end]);
        let hint = if content.contains('=') {
            format!(
                "php-fpm reads this as the key '{}' and fails with \"unknown entry\"",
                content.split('=').next().unwrap_or("").trim()
            )
        } else {
            "php-fpm reads this as a key without a value and fails with \"value is NULL for a ZEND_INI_PARSER_ENTRY\"".to_string()
        };
        diags.push(
            Diagnostic::new(
                &HASH_COMMENT,
                span(i, i + 1),
                "`#` is not a comment in php-fpm files: php-fpm will refuse to start",
            )
            .with_label(hint)
            .with_help("comment the line out with `;` instead of `#`")
            .with_fix(Fix::safe(
                "comment the line out with `;`",
                vec![Edit::replace(span(i, i + 1), ";")],
            )),
        );
        return None;
    }
    if text[i] == b'[' {
        let Some(close) = text[i..end].iter().position(|&b| b == b']').map(|p| i + p) else {
            diags.push(Diagnostic::new(
                &SYNTAX,
                span(i, end),
                "syntax error, unexpected end of line: section name without \"]\"",
            ));
            return None;
        };
        let name = String::from_utf8_lossy(&text[i + 1..close]).into_owned();
        let name = expand_vars(&name, env, span(i, close), unknown_vars);
        let mut j = close + 1;
        while j < end && is_blank(text[j]) {
            j += 1;
        }
        if j < end && text[j] != b';' {
            diags.push(Diagnostic::new(
                &SYNTAX,
                span(j, end),
                "value is NULL for a ZEND_INI_PARSER_ENTRY: text after a section header",
            ));
        }
        // PHP's ini scanner refuses a header indented with spaces only ("syntax error,
        // unexpected END_OF_LINE, expecting '='": php-fpm 8.2 -t, checked); a tab among
        // the blanks is accepted.
        if i > start && text[start..i].iter().all(|&b| b == b' ') {
            diags.push(
                Diagnostic::new(
                    &SYNTAX,
                    span(start, close + 1),
                    "syntax error, unexpected END_OF_LINE, expecting '=': a section header indented with spaces",
                )
                .with_label("php-fpm reads this as a key without a value")
                .with_help("start the line with `[`")
                .with_fix(Fix::safe(
                    "remove the indentation",
                    vec![Edit::delete(span(start, i))],
                )),
            );
        }
        return Some(Line::Section {
            name,
            span: span(i, close + 1),
        });
    }
    // Key: up to `=`.
    let Some(eq) = find_eq(text, i, end) else {
        let key_end = text[i..end]
            .iter()
            .position(|&b| b == b';')
            .map_or(end, |p| i + p);
        diags.push(
            Diagnostic::new(
                &SYNTAX,
                span(i, trim_end(text, i, key_end)),
                "value is NULL for a ZEND_INI_PARSER_ENTRY",
            )
            .with_label("a key without `= value`")
            .with_help("write `key = value`, or comment the line out with `;`"),
        );
        return None;
    };
    let key_end = trim_end(text, i, eq);
    let raw_key = &text[i..key_end];
    // The offset between the brackets is scanned as a value is: quoted strings and
    // `${NAME}` are allowed there (`php_admin_value["date.timezone"] = Europe/Paris`,
    // vixns/docker-php-nginx's pools: `php-fpm -t` passes them, and each line was a
    // false FPM002).
    let open = raw_key.iter().position(|&b| b == b'[');
    let close = raw_key.iter().rposition(|&b| b == b']');
    let in_offset = |pos: usize| match (open, close) {
        (Some(o), Some(c)) => pos > o && pos < c,
        _ => false,
    };
    if let Some(pos) = raw_key.iter().enumerate().position(|(pos, &b)| {
        let quote_or_var = matches!(b, b'"' | b'$' | b'{' | b'}');
        matches!(
            b,
            b'&' | b'|' | b'^' | b'$' | b'~' | b'(' | b')' | b'{' | b'}' | b'!' | b'"' | b'\t'
        ) && !(quote_or_var && in_offset(pos))
    }) {
        diags.push(Diagnostic::new(
            &SYNTAX,
            span(i + pos, i + pos + 1),
            format!("syntax error, unexpected '{}'", raw_key[pos] as char),
        ));
        return None;
    }
    let key_text = String::from_utf8_lossy(raw_key).into_owned();
    let (key, array_key) = match key_text.find('[') {
        Some(open) => {
            let Some(close) = key_text.rfind(']') else {
                diags.push(Diagnostic::new(
                    &SYNTAX,
                    span(i, key_end),
                    "syntax error, unexpected '=': array key without \"]\"",
                ));
                return None;
            };
            let sub = key_text[open + 1..close.max(open + 1)]
                .trim_start()
                .to_string();
            // Quoted parts join the unquoted ones (`"date."timezone` is `date.timezone`).
            let sub = if sub.starts_with('\'')
                && sub.trim_end().len() >= 2
                && sub.trim_end().ends_with('\'')
            {
                sub.trim_end().trim_matches('\'').to_string()
            } else if sub.contains('"') {
                sub.trim_end().replace('"', "")
            } else {
                sub
            };
            let sub = expand_vars(&sub, env, span(i, key_end), unknown_vars);
            (key_text[..open].trim_end().to_string(), Some(sub))
        }
        None => (key_text, None),
    };
    // Value.
    let mut v = eq + 1;
    while v < end && is_blank(text[v]) {
        v += 1;
    }
    let value_start = v;
    let mut out = String::new();
    let mut bare = true;
    let mut expression = false;
    let mut pending_blank = String::new();
    let mut value_end = value_start;
    // Operators with their offsets, and whether an operand precedes each, to check the
    // expression grammar once the value is read.
    let mut ops: Vec<(u8, usize)> = Vec::new();
    while v < end {
        let b = text[v];
        match b {
            b';' => break,
            b'"' => {
                bare = false;
                out.push_str(&pending_blank);
                pending_blank.clear();
                let mut j = v + 1;
                let mut piece = Vec::new();
                let mut closed = false;
                while j < end {
                    match text[j] {
                        b'\\' if j + 1 < end && matches!(text[j + 1], b'"' | b'\\' | b'$') => {
                            piece.push(text[j + 1]);
                            j += 2;
                        }
                        b'"' => {
                            closed = true;
                            break;
                        }
                        other => {
                            piece.push(other);
                            j += 1;
                        }
                    }
                }
                if !closed {
                    diags.push(Diagnostic::new(&SYNTAX, span(v, end), "syntax error, unexpected end of line: unterminated double quote (a value cannot span lines)"));
                    return None;
                }
                let piece = String::from_utf8_lossy(&piece).into_owned();
                out.push_str(&expand_vars(&piece, env, span(v, j + 1), unknown_vars));
                v = j + 1;
                value_end = v;
            }
            b'\'' => {
                bare = false;
                out.push_str(&pending_blank);
                pending_blank.clear();
                let Some(close) = text[v + 1..end]
                    .iter()
                    .position(|&c| c == b'\'')
                    .map(|p| v + 1 + p)
                else {
                    diags.push(Diagnostic::new(
                        &SYNTAX,
                        span(v, end),
                        "syntax error, unexpected end of line: unterminated single quote",
                    ));
                    return None;
                };
                out.push_str(&String::from_utf8_lossy(&text[v + 1..close]));
                v = close + 1;
                value_end = v;
            }
            b'=' => {
                diags.push(
                    Diagnostic::new(&SYNTAX, span(v, v + 1), "syntax error, unexpected '='")
                        .with_help("quote the value: `key = \"...\"`"),
                );
                return None;
            }
            b'&' | b'|' | b'^' | b'~' | b'!' | b'(' | b')' => {
                expression = true;
                ops.push((b, v));
                out.push_str(&pending_blank);
                pending_blank.clear();
                out.push(b as char);
                v += 1;
                value_end = v;
            }
            b' ' | b'\t' => {
                pending_blank.push(b as char);
                v += 1;
            }
            b'$' if text.get(v + 1) == Some(&b'{') => {
                out.push_str(&pending_blank);
                pending_blank.clear();
                let close = text[v..end]
                    .iter()
                    .position(|&c| c == b'}')
                    .map(|p| v + p)
                    .unwrap_or(end);
                let raw = String::from_utf8_lossy(&text[v..(close + 1).min(end)]).into_owned();
                out.push_str(&expand_vars(&raw, env, span(v, close + 1), unknown_vars));
                v = (close + 1).min(end);
                value_end = v;
            }
            _ => {
                out.push_str(&pending_blank);
                pending_blank.clear();
                let s = v;
                while v < end
                    && !matches!(
                        text[v],
                        b';' | b'"'
                            | b'\''
                            | b'='
                            | b'!'
                            | b'('
                            | b')'
                            | b'&'
                            | b'|'
                            | b'^'
                            | b'~'
                            | b' '
                            | b'\t'
                    )
                    && !(text[v] == b'$' && text.get(v + 1) == Some(&b'{'))
                {
                    v += 1;
                }
                out.push_str(&String::from_utf8_lossy(&text[s..v]));
                value_end = v;
            }
        }
    }
    if expression {
        if let Some((op, at)) = expression_error(
            &text[value_start..value_end.max(value_start)],
            value_start,
            &ops,
        ) {
            diags.push(
                Diagnostic::new(
                    &SYNTAX,
                    span(at, at + 1),
                    format!("syntax error, unexpected '{}'", op as char),
                )
                .with_help("quote the value: `key = \"...\"`"),
            );
            return None;
        }
    }
    if expression {
        if let Some(v) = evaluate(&out) {
            out = v.to_string();
        }
    } else if bare {
        if let Some(v) = php_constant(&out) {
            out = v.to_string();
        }
    }
    if bare && !expression {
        let lower = out.to_ascii_lowercase();
        if KEYWORDS_TRUE.contains(&lower.as_str()) {
            out = "1".into();
        } else if KEYWORDS_FALSE.contains(&lower.as_str()) {
            out.clear();
        }
    }
    Some(Line::Entry(Entry {
        key: key.into(),
        array_key: array_key.map(Word::from),
        key_span: span(i, key_end),
        value: out.into(),
        value_span: span(value_start, value_end.max(value_start)),
        bare,
        expression,
    }))
}

/// Checks the INI expression grammar (`~ !` prefix, `& | ^` infix, parentheses)
/// over a value; returns the first unexpected operator.
fn expression_error(value: &[u8], base: usize, ops: &[(u8, usize)]) -> Option<(u8, usize)> {
    let mut expect_operand = true;
    let mut depth = 0usize;
    let mut i = 0;
    let is_op = |b: u8| matches!(b, b'&' | b'|' | b'^' | b'~' | b'!' | b'(' | b')');
    while i < value.len() {
        let b = value[i];
        let at = base + i;
        if b == b' ' || b == b'\t' {
            i += 1;
            continue;
        }
        if !ops.iter().any(|(_, o)| *o == at) || !is_op(b) {
            // An operand: skip to the next operator.
            if !expect_operand {
                return Some((b, at));
            }
            while i < value.len() && !(is_op(value[i]) && ops.iter().any(|(_, o)| *o == base + i)) {
                i += 1;
            }
            expect_operand = false;
            continue;
        }
        match (b, expect_operand) {
            (b'~' | b'!', true) => {}
            (b'(', true) => depth += 1,
            (b')', false) if depth > 0 => depth -= 1,
            (b'&' | b'|' | b'^', false) => expect_operand = true,
            _ => return Some((b, at)),
        }
        i += 1;
    }
    if expect_operand || depth > 0 {
        return ops.last().copied();
    }
    None
}

/// PHP constants php-fpm's files use in practice; PHP is fully started when
/// php-fpm reads its configuration, so bare names of defined constants are
/// replaced by their values (`env[OS] = PHP_OS` gives `Linux`).
pub fn php_constant(name: &str) -> Option<&'static str> {
    Some(match name {
        "E_ERROR" => "1",
        "E_WARNING" => "2",
        "E_PARSE" => "4",
        "E_NOTICE" => "8",
        "E_CORE_ERROR" => "16",
        "E_CORE_WARNING" => "32",
        "E_COMPILE_ERROR" => "64",
        "E_COMPILE_WARNING" => "128",
        "E_USER_ERROR" => "256",
        "E_USER_WARNING" => "512",
        "E_USER_NOTICE" => "1024",
        "E_STRICT" => "2048",
        "E_RECOVERABLE_ERROR" => "4096",
        "E_DEPRECATED" => "8192",
        "E_USER_DEPRECATED" => "16384",
        "E_ALL" => "32767",
        "PHP_OS" | "PHP_OS_FAMILY" => "Linux",
        "PHP_MAJOR_VERSION" => "8",
        "PHP_MINOR_VERSION" => "2",
        "PHP_INT_SIZE" => "8",
        "DIRECTORY_SEPARATOR" => "/",
        "PATH_SEPARATOR" => ":",
        _ => return None,
    })
}

/// Evaluates an INI integer expression (`E_ALL & ~E_NOTICE`); `None` when an operand is
/// not a number or a known constant (the value then stays as written).
fn evaluate(expr: &str) -> Option<i64> {
    fn operand(tokens: &[String], pos: &mut usize) -> Option<i64> {
        let t = tokens.get(*pos)?.clone();
        *pos += 1;
        match t.as_str() {
            "~" => Some(!operand(tokens, pos)?),
            "!" => Some(i64::from(operand(tokens, pos)? == 0)),
            "(" => {
                let v = binary(tokens, pos)?;
                (tokens.get(*pos).map(String::as_str) == Some(")")).then(|| *pos += 1)?;
                Some(v)
            }
            word => word
                .parse()
                .ok()
                .or_else(|| php_constant(word)?.parse().ok()),
        }
    }
    fn binary(tokens: &[String], pos: &mut usize) -> Option<i64> {
        let mut value = operand(tokens, pos)?;
        while let Some(op) = tokens.get(*pos).map(String::as_str) {
            if !matches!(op, "&" | "|" | "^") {
                break;
            }
            *pos += 1;
            let rhs = operand(tokens, pos)?;
            value = match op {
                "&" => value & rhs,
                "|" => value | rhs,
                _ => value ^ rhs,
            };
        }
        Some(value)
    }
    let mut tokens = Vec::new();
    let mut word = String::new();
    for c in expr.chars() {
        if "&|^~!()".contains(c) || c.is_whitespace() {
            if !word.is_empty() {
                tokens.push(std::mem::take(&mut word));
            }
            if !c.is_whitespace() {
                tokens.push(c.to_string());
            }
        } else {
            word.push(c);
        }
    }
    if !word.is_empty() {
        tokens.push(word);
    }
    let mut pos = 0;
    let v = binary(&tokens, &mut pos)?;
    (pos == tokens.len()).then_some(v)
}

fn trim_end(text: &[u8], start: usize, mut end: usize) -> usize {
    while end > start && is_blank(text[end - 1]) {
        end -= 1;
    }
    end
}

fn find_eq(text: &[u8], start: usize, end: usize) -> Option<usize> {
    for (k, &b) in text[start..end].iter().enumerate() {
        match b {
            b'=' => return Some(start + k),
            b';' => return None,
            _ => {}
        }
    }
    None
}

/// Expands `${NAME}` from `env`; unknown names expand to "" (as php-fpm does) and are recorded.
fn expand_vars(value: &str, env: &Env, span: Span, unknown: &mut Vec<(String, Span)>) -> String {
    if !value.contains("${") {
        return value.to_string();
    }
    let mut out = String::new();
    let mut rest = value;
    while let Some(pos) = rest.find("${") {
        out.push_str(&rest[..pos]);
        let after = &rest[pos + 2..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                match env.get(name) {
                    Some(v) => out.push_str(v),
                    None => unknown.push((name.to_string(), span)),
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[pos..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// The length of php-fpm's log prefix on a line of its output (`[06-Dec-2026 07:00:54]
/// NOTICE: `), or `None` when the line has none.
fn log_prefix_len(line: &[u8]) -> Option<usize> {
    if !line.starts_with(b"[") {
        return None;
    }
    let close = line.iter().position(|&b| b == b']')?;
    let rest = line.get(close + 1..)?.strip_prefix(b" ")?;
    let level = ["NOTICE", "WARNING", "ERROR", "ALERT", "DEBUG"]
        .iter()
        .find(|l| rest.starts_with(l.as_bytes()))?;
    let after = close + 2 + level.len();
    match line.get(after) {
        Some(b':') => Some(after + 1 + usize::from(line.get(after + 1) == Some(&b' '))),
        _ => None,
    }
}

/// Whether `text` is the output of `php-fpm -tt` (saved with `2>&1`): php-fpm's log lines,
/// one of them opening the `[global]` section, that print every setting of the global
/// section and of each pool as php-fpm took it.
///
/// ```
/// use fpm_conf_parser::is_fpm_dump;
/// assert!(is_fpm_dump(b"[06-Dec-2026 07:00:54] NOTICE: [global]\n[06-Dec-2026 07:00:54] NOTICE: \tpid = /run/php/php8.2-fpm.pid\n"));
/// assert!(!is_fpm_dump(b"[global]\npid = /run/php/php8.2-fpm.pid\n"));
/// ```
pub fn is_fpm_dump(text: &[u8]) -> bool {
    // A dump's first section is `[global]`: a file without the word (every pool file) is
    // none, found without splitting its lines (90 % comments in a distribution's pool
    // file; the split was 16 M instructions for the 1 000 pools of a 1 000-site tree).
    if memchr::memmem::find(text, b"[global]").is_none() {
        return false;
    }
    let mut lines = text
        .split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .filter(|l| !l.trim_ascii().is_empty())
        .take(64)
        .filter_map(|l| log_prefix_len(l).map(|n| l[n..].trim_ascii()));
    lines.any(|rest| rest == b"[global]")
}

/// The text php-fpm's configuration parser reads from `php-fpm -tt` output, of the same
/// length and lines (spans point into the output as saved): the log prefixes blanked,
/// and the lines that are no setting blanked whole — settings printed `undefined` (or
/// `unknown value`: `log_level` as 8.2 prints it), `syslog.facility` as a number, values
/// with a double quote (printed raw, no INI value), the `test is successful` line and
/// whatever a paste carries around the output (a prompt, a fence).
///
/// ```
/// let out = fpm_conf_parser::fpm_dump_as_ini(b"[06-Dec-2026 07:00:54] NOTICE: [www]\n[06-Dec-2026 07:00:54] NOTICE: \tlisten.mode = undefined\n[06-Dec-2026 07:00:54] NOTICE: \tpm = static\n");
/// let text = String::from_utf8(out).unwrap();
/// assert_eq!(text.split('\n').map(str::trim).collect::<Vec<_>>(), ["[www]", "", "pm = static", ""]);
/// assert!(text.starts_with("[www] "));
/// ```
pub fn fpm_dump_as_ini(text: &[u8]) -> Vec<u8> {
    let mut out = text.to_vec();
    let mut at = 0;
    for line in text.split(|&b| b == b'\n') {
        let body = line.strip_suffix(b"\r").unwrap_or(line);
        let blank_to = match log_prefix_len(body) {
            Some(n) => {
                let rest = body[n..].trim_ascii();
                let setting = rest
                    .iter()
                    .position(|&b| b == b'=')
                    .map(|eq| (rest[..eq].trim_ascii(), rest[eq + 1..].trim_ascii()));
                let dropped = match setting {
                    Some((key, value)) => {
                        value == b"undefined"
                            || value == b"unknown value"
                            || value.contains(&b'"')
                            || (key == b"syslog.facility"
                                && !value.is_empty()
                                && value.iter().all(u8::is_ascii_digit))
                            // Printed whether set or not (its default, 20): written, it
                            // wants a slowlog.
                            || (key == b"request_slowlog_trace_depth" && value == b"20")
                    }
                    None => !(rest.starts_with(b"[") && rest.ends_with(b"]")),
                };
                let section = setting.is_none() && !dropped;
                if section {
                    // php-fpm takes an indented `[name]` for a key: the header moves to
                    // the start of its line, the rest of the line blank.
                    let header = rest.to_vec();
                    out[at..at + body.len()].fill(b' ');
                    out[at..at + header.len()].copy_from_slice(&header);
                    at += line.len() + 1;
                    continue;
                }
                if dropped {
                    body.len()
                } else {
                    n
                }
            }
            None => body.len(),
        };
        out[at..at + blank_to].fill(b' ');
        at += line.len() + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(src: &str) -> (Vec<Line>, Vec<Diagnostic>) {
        let mut d = Vec::new();
        let mut u = Vec::new();
        let env: Env = [("HOME".to_string(), "/root".to_string())].into();
        let lines = parse_lines(FileId(0), src.as_bytes(), &env, &mut d, &mut u);
        (lines, d)
    }

    fn value(line: &Line) -> &str {
        match line {
            Line::Entry(e) => &e.value,
            Line::Section { name, .. } => name,
        }
    }

    #[test]
    fn values_follow_the_ini_scanner() {
        let (lines, d) = entries("a = x ; c\nb=  a   b  \nc = \"q;=\"'r'\nd = yes\ne = None\nf = \"${HOME}/x\"\ng = '${HOME}'\nh = E_ALL & ~E_NOTICE\nphp_value[ memory_limit ] = 64M\n");
        assert!(d.is_empty(), "{d:?}");
        let values: Vec<&str> = lines.iter().map(value).collect();
        assert_eq!(
            values,
            ["x", "a   b", "q;=r", "1", "", "/root/x", "${HOME}", "32759", "64M"]
        );
        let Line::Entry(e) = &lines[8] else {
            panic!("entry")
        };
        assert_eq!(
            (e.key.as_str(), e.array_key.as_deref()),
            ("php_value", Some("memory_limit "))
        );
    }

    /// The offset may be quoted, or hold `${NAME}`, as `php-fpm -t` allows.
    #[test]
    fn quoted_offsets_are_read_as_php_fpm_reads_them() {
        let (lines, d) = entries("php_admin_value[\"date.timezone\"] = Europe/Paris\nphp_flag['short_open_tag'] = off\nenv[\"${HOME}\"] = x\nphp_value[\"a.\"b] = 1\n");
        assert!(d.is_empty(), "{d:?}");
        let keys: Vec<Option<&str>> = lines
            .iter()
            .map(|l| match l {
                Line::Entry(e) => e.array_key.as_deref(),
                Line::Section { .. } => None,
            })
            .collect();
        assert_eq!(
            keys,
            [
                Some("date.timezone"),
                Some("short_open_tag"),
                Some("/root"),
                Some("a.b")
            ]
        );
        // Outside the offset a quote is still an error.
        let (_, d) = entries("a\"b[x] = 1\n");
        assert_eq!(d.len(), 1);
    }

    #[test]
    fn constants_and_expressions_are_replaced_as_php_does() {
        let (lines, d) = entries("a = PHP_OS\nb = E_ALL & ~E_DEPRECATED & ~E_STRICT\nc = (1 | 2) ^ 1\nd = UNKNOWN_CONST\ne = E_ALL & ~NOPE\n");
        assert!(d.is_empty(), "{d:?}");
        let values: Vec<&str> = lines.iter().map(value).collect();
        assert_eq!(
            values,
            ["Linux", "22527", "2", "UNKNOWN_CONST", "E_ALL & ~NOPE"]
        );
    }

    #[test]
    fn hash_lines_and_bad_characters_are_errors() {
        let (_, d) = entries("# listen = 9000\nping.response = pong!\nx\nenv[A] = a=b\n[www]x\n");
        let codes: Vec<_> = d.iter().map(|d| (d.code, d.message.as_str())).collect();
        assert_eq!(codes.len(), 5, "{codes:?}");
        assert_eq!(codes[0].0, "FPM001");
        assert!(codes[1].1.contains("unexpected '!'"));
        assert!(codes[2].1.contains("value is NULL"));
        assert!(codes[3].1.contains("unexpected '='"));
    }

    /// php.ini's bare strings and `#` lines are passed over by PHP (`php8.2 -n -c` and
    /// `php-fpm8.2 -t -c` accept them, and apply the rest): no FPM001, no FPM002 there.
    #[test]
    fn php_ini_lines_without_equals_are_passed_over() {
        let text = b"[PHP]\n; Quick Reference\ndisplay_errors\n  Default Value: On\n# a hash line\nmemory_limit = 64M\n";
        let (mut found, mut unknown) = (Vec::new(), Vec::new());
        let lines = parse_php_ini_lines(FileId(0), text, &Env::new(), &mut found, &mut unknown);
        assert!(found.is_empty(), "{found:#?}");
        let keys: Vec<&str> = lines
            .iter()
            .filter_map(|l| match l {
                Line::Entry(e) => Some(e.key.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(keys, ["memory_limit"]);
    }

    /// PHP reads php.ini whole: a double quote runs to the next `"`, lines included
    /// (IsaevDimka/universal-laravel-docker-skeleton's `ibase.timestampformat = "On`).
    /// php-fpm's own files are read line by line: there it stays an error.
    #[test]
    fn a_php_ini_quote_runs_across_lines_and_a_php_fpm_one_does_not() {
        let text = b"a = \"On\nb = Off\n;     session.save_path = \"N;/path\"\nc = 1\nd = \"never closed\n";
        let (mut found, mut unknown) = (Vec::new(), Vec::new());
        let lines = parse_php_ini_lines(FileId(0), text, &Env::new(), &mut found, &mut unknown);
        let keys: Vec<&str> = lines
            .iter()
            .filter_map(|l| match l {
                Line::Entry(e) => Some(e.key.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(keys, ["a", "c"], "{found:#?}");
        let severities: Vec<_> = found.iter().map(|d| d.severity).collect();
        assert_eq!(
            severities,
            [lint_source::Severity::Warning, lint_source::Severity::Error],
            "{found:#?}"
        );
        let (fpm, found) = entries("a = \"On\nb = Off\n; \"\n");
        // The open quote is an error on its line, and `b` is read.
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(
            matches!(fpm.as_slice(), [Line::Entry(b)] if b.key == "b"),
            "{fpm:#?}"
        );
    }

    #[test]
    fn any_bytes_parse_without_panic() {
        let (_, _) = entries("\u{feff}[x\n\"\n'\n=\n[]\n\r\n${\n a[=b\n");
        let mut d = Vec::new();
        let mut u = Vec::new();
        parse_lines(
            FileId(0),
            b"\xff\xfe=\x00[\n;\xff",
            &Env::new(),
            &mut d,
            &mut u,
        );
    }
}
