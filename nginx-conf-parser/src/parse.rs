//! nginx's tokenizer and statement parser, over bytes.
//!
//! The grammar is nginx's own (`ngx_conf_read_token`): words separated by
//! space/TAB/CR/LF, `;` ends a statement, `{` opens a block, `}` closes one,
//! `#` starts a comment only between words, quotes only at a word's start.
//! Errors carry nginx's wording and resume at the next statement, so one pass
//! reports every syntax error of a file. Blocks are tracked on an explicit
//! stack: no recursion, whatever the nesting depth.

use std::sync::Arc;

use lint_source::{Diagnostic, FileId, Span};

use crate::ast::{Block, BlockKind, Comment, Directive, ParsedFile, Quote, Text, Token};
use crate::codes::SYNTAX;

/// Nesting deeper than this is reported once and its contents are dropped, so
/// that neither parsing nor dropping the tree can exhaust the stack.
pub const MAX_DEPTH: usize = 200;

/// nginx refuses words of 4096 bytes or more (`NGX_CONF_BUFFER`).
const MAX_WORD: usize = 4096;

/// Blocks whose bodies are read by the module, not looked up as directives.
pub fn is_custom_block(name: &[u8]) -> bool {
    matches!(
        name,
        b"types"
            | b"map"
            | b"geo"
            | b"split_clients"
            | b"charset_map"
            | b"match"
            | b"geoip2"
            | b"perl_set"
    ) || is_lua_block(name)
}

/// `content_by_lua_block`, `set_by_lua_block`, ... (ngx_lua, OpenResty): their bodies are
/// Lua, read by the module's own lexer, not nginx statements.
fn is_lua_block(name: &[u8]) -> bool {
    name.ends_with(b"_by_lua_block")
}

/// Where the `}` that closes a Lua block body starting at `from` (just after its `{`)
/// is, skipped as ngx_lua's `ngx_http_lua_conf_lua_block_parse` does: braces balance,
/// and none counts inside a string (`'...'`, `"..."`), a long bracket (`[[...]]`,
/// `[==[...]==]`) or a comment (`-- ...`, `--[[ ... ]]`). `None` when the file ends
/// first.
fn lua_block_end(text: &[u8], from: usize) -> Option<usize> {
    // The end of a long bracket opened at `at` (`[` `=`* `[`), past its closing bracket.
    fn long_bracket(text: &[u8], at: usize) -> Option<Option<usize>> {
        let level = text[at + 1..].iter().take_while(|&&b| b == b'=').count();
        if text.get(at + 1 + level) != Some(&b'[') {
            return None;
        }
        let body = at + level + 2;
        let mut close = Vec::with_capacity(level + 2);
        close.push(b']');
        close.extend(std::iter::repeat_n(b'=', level));
        close.push(b']');
        Some(
            text[body.min(text.len())..]
                .windows(close.len())
                .position(|w| w == close)
                .map(|p| body + p + close.len()),
        )
    }
    let mut depth = 0usize;
    let mut i = from;
    while i < text.len() {
        match text[i] {
            b'-' if text.get(i + 1) == Some(&b'-') => {
                i = match text.get(i + 2) {
                    Some(b'[') => match long_bracket(text, i + 2) {
                        Some(end) => end?,
                        None => memchr_newline(text, i),
                    },
                    _ => memchr_newline(text, i),
                };
            }
            b'[' => {
                i = match long_bracket(text, i) {
                    Some(end) => end?,
                    None => i + 1,
                };
            }
            quote @ (b'"' | b'\'') => {
                i += 1;
                while i < text.len() && text[i] != quote {
                    // A Lua string ends at its line's end (an error ngx_lua reports).
                    if text[i] == b'\n' {
                        break;
                    }
                    i += if text[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'{' => {
                depth += 1;
                i += 1;
            }
            b'}' if depth == 0 => return Some(i),
            b'}' => {
                depth -= 1;
                i += 1;
            }
            _ => i += 1,
        }
    }
    None
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// Rewrites nginx's escapes; `None` when the bytes need no change.
fn unescape(raw: &[u8]) -> Option<Box<[u8]>> {
    if !raw.contains(&b'\\') {
        return None;
    }
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'\\' && i + 1 < raw.len() {
            match raw[i + 1] {
                b'"' | b'\'' | b'\\' => out.push(raw[i + 1]),
                b't' => out.push(b'\t'),
                b'r' => out.push(b'\r'),
                b'n' => out.push(b'\n'),
                other => {
                    out.push(b'\\');
                    out.push(other);
                }
            }
            i += 2;
        } else {
            out.push(raw[i]);
            i += 1;
        }
    }
    if out == raw {
        None
    } else {
        Some(out.into_boxed_slice())
    }
}

fn show_byte(b: u8) -> String {
    if b.is_ascii_graphic() || b == b' ' {
        (b as char).to_string()
    } else {
        format!("\\x{b:02X}")
    }
}

struct Frame {
    name: Token,
    args: Box<[Token]>,
    start: u32,
    open: u32,
    kind: BlockKind,
    children: Vec<Directive>,
    /// True when the opening statement was broken: the block is parsed for
    /// balance but not kept.
    poisoned: bool,
}

struct Parser<'t> {
    file: FileId,
    text: &'t [u8],
    pos: usize,
    diagnostics: Vec<Diagnostic>,
    comments: Vec<Comment>,
    /// Open blocks, innermost last.
    stack: Vec<Frame>,
    top: Vec<Directive>,
    /// Emptied statement lists of closed blocks, reused by the next blocks: each
    /// block's list grows in a reused buffer and is kept at its exact size (a list
    /// grown by doubling keeps up to half its bytes as slack for the whole run).
    spare: Vec<Vec<Directive>>,
    /// Depth beyond MAX_DEPTH currently being skipped.
    skipped_depth: usize,
    depth_reported: bool,
    /// Values of escaped tokens by first byte (see [`ParsedFile::unescaped`]).
    unescaped: Vec<(u32, Box<[u8]>)>,
}

/// Parses one file. Never panics; every problem becomes a diagnostic.
pub fn parse_file(file: FileId, text: Arc<[u8]>) -> (ParsedFile, Vec<Diagnostic>) {
    parse_text(file, Text::new(text))
}

/// [`parse_file`] on bytes already checked for UTF-8 ([`Text`]): the tree then reads
/// its words out of the same allocation the source map holds.
pub fn parse_text(file: FileId, text: Text) -> (ParsedFile, Vec<Diagnostic>) {
    let Text { bytes: text, utf8 } = text;
    let (directives, comments, diagnostics, unescaped) = {
        let mut p = Parser {
            file,
            text: &text,
            pos: 0,
            diagnostics: Vec::new(),
            comments: Vec::new(),
            stack: Vec::new(),
            top: Vec::new(),
            spare: Vec::new(),
            skipped_depth: 0,
            depth_reported: false,
            unescaped: Vec::new(),
        };
        p.run();
        (exact(&mut p.top), p.comments, p.diagnostics, p.unescaped)
    };
    (
        ParsedFile {
            id: file,
            text,
            directives,
            comments,
            unescaped,
            utf8,
        },
        diagnostics,
    )
}

impl Parser<'_> {
    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, start, end)
    }

    fn error(&mut self, start: usize, end: usize, message: String) {
        let span = self.span(start, end);
        self.diagnostics
            .push(Diagnostic::new(&SYNTAX, span, message));
    }

    fn run(&mut self) {
        let mut words: Vec<Token> = Vec::new();
        let mut poisoned = false;
        let len = self.text.len();
        while self.pos < len {
            let b = self.text[self.pos];
            match b {
                _ if is_space(b) => self.pos += 1,
                b'#' => {
                    let start = self.pos;
                    let end = memchr_newline(self.text, start);
                    self.comments.push(Comment {
                        span: self.span(start, end),
                    });
                    self.pos = end;
                }
                b';' => {
                    if words.is_empty() && !poisoned {
                        self.error(self.pos, self.pos + 1, "unexpected \";\"".into());
                    } else if !poisoned {
                        let end = self.pos + 1;
                        self.finish_simple(&mut words, end);
                    }
                    words.clear();
                    poisoned = false;
                    self.pos += 1;
                }
                b'{' => {
                    let open = self.pos;
                    self.pos += 1;
                    if words.is_empty() && !poisoned {
                        self.error(open, open + 1, "unexpected \"{\"".into());
                        poisoned = true;
                    }
                    let lua = !poisoned
                        && words
                            .first()
                            .is_some_and(|w| is_lua_block(&self.text[w.span.range()]));
                    self.open_block(&mut words, open, poisoned);
                    if lua {
                        // The body is Lua: the next thing nginx reads is its closing `}`.
                        self.pos = lua_block_end(self.text, self.pos).unwrap_or(len);
                    }
                    // Skipped (too deep) blocks leave their words behind.
                    words.clear();
                    poisoned = false;
                }
                b'}' => {
                    let close = self.pos;
                    self.pos += 1;
                    if !words.is_empty() || poisoned {
                        self.error(close, close + 1, "unexpected \"}\"".into());
                        words.clear();
                        poisoned = false;
                    }
                    self.close_block(close);
                }
                _ => match self.word() {
                    Ok(token) => words.push(token),
                    Err(()) => poisoned = true,
                },
            }
        }
        if !words.is_empty() || poisoned {
            self.error(
                len,
                len,
                "unexpected end of file, expecting \";\" or \"}\"".into(),
            );
        }
        if !self.stack.is_empty() || self.skipped_depth > 0 {
            self.error(len, len, "unexpected end of file, expecting \"}\"".into());
            while !self.stack.is_empty() || self.skipped_depth > 0 {
                self.close_block(len);
            }
        }
    }

    /// Reads one word at `self.pos`. On error the diagnostic is recorded, the
    /// rest of the word is skipped and `Err` poisons the statement.
    fn word(&mut self) -> Result<Token, ()> {
        let start = self.pos;
        let text = self.text;
        let first = text[start];
        if first == b'"' || first == b'\'' {
            let quote = first;
            let mut i = start + 1;
            loop {
                match text.get(i) {
                    None => {
                        // Reported as an unterminated statement at end of file.
                        self.pos = text.len();
                        return Err(());
                    }
                    Some(b'\\') => i += 2,
                    Some(&c) if c == quote => break,
                    Some(_) => i += 1,
                }
            }
            let content = start + 1..i;
            self.pos = i + 1;
            if content.len() >= MAX_WORD - 1 {
                self.error(
                    start,
                    start + 1,
                    format!(
                        "too long parameter \"{}...\" started",
                        preview(&text[content])
                    ),
                );
                return Err(());
            }
            match text.get(self.pos) {
                None => {}
                Some(&c) if is_space(c) || c == b';' || c == b'{' || c == b')' => {}
                Some(&b'}') => {
                    self.error(self.pos, self.pos + 1, "unexpected \"}\"".into());
                    return Err(());
                }
                Some(&c) => {
                    self.error(
                        self.pos,
                        self.pos + 1,
                        format!("unexpected \"{}\"", show_byte(c)),
                    );
                    // Skip the rest of the garbage word.
                    while let Some(&c) = text.get(self.pos) {
                        if is_space(c) || c == b';' || c == b'{' || c == b'}' {
                            break;
                        }
                        self.pos += 1;
                    }
                    return Err(());
                }
            }
            return Ok(Token {
                span: self.span(start, self.pos),
                quote: if quote == b'"' {
                    Quote::Double
                } else {
                    Quote::Single
                },
                escaped: self.unescaped(start, &text[content]),
            });
        }
        let mut i = start;
        while i < text.len() {
            let c = text[i];
            if is_space(c) || c == b';' || c == b'{' {
                break;
            }
            if c == b'\\' {
                i += 2;
                continue;
            }
            if c == b'$' && text.get(i + 1) == Some(&b'{') {
                i += 2;
                continue;
            }
            i += 1;
        }
        let end = i.min(text.len());
        self.pos = end;
        if end - start >= MAX_WORD {
            self.error(
                start,
                start + 1,
                format!(
                    "too long parameter \"{}...\" started",
                    preview(&text[start..end])
                ),
            );
            return Err(());
        }
        Ok(Token {
            span: self.span(start, end),
            quote: Quote::None,
            escaped: self.unescaped(start, &text[start..end]),
        })
    }

    /// Whether the token starting at `start` with value bytes `raw` has escapes that
    /// change them; if so its value is kept aside.
    fn unescaped(&mut self, start: usize, raw: &[u8]) -> bool {
        match unescape(raw) {
            Some(value) => {
                self.unescaped.push((start as u32, value));
                true
            }
            None => false,
        }
    }

    fn push_directive(&mut self, directive: Directive) {
        if self.skipped_depth > 0 {
            return;
        }
        match self.stack.last_mut() {
            Some(frame) if !frame.poisoned => frame.children.push(directive),
            Some(_) => {}
            None => self.top.push(directive),
        }
    }

    /// The print of a name token's value (0, "compare the bytes", when it has escapes).
    fn name_print(&self, name: &Token) -> u32 {
        if name.escaped {
            return 0;
        }
        let span = name.inner_span();
        let end = (span.end as usize).min(self.text.len());
        let start = (span.start as usize).min(end);
        crate::ast::name_print(&self.text[start..end])
    }

    /// Splits a statement's words into its name and an exactly sized argument list,
    /// leaving the buffer empty for the next statement (no slack kept per directive).
    fn split_words(words: &mut Vec<Token>) -> Option<(Token, Box<[Token]>)> {
        let mut drained = words.drain(..);
        let name = drained.next()?;
        Some((name, drained.collect()))
    }

    fn finish_simple(&mut self, words: &mut Vec<Token>, end: usize) {
        let Some((name, args)) = Self::split_words(words) else {
            return;
        };
        let span = self.span(name.span.start as usize, end);
        let name_print = self.name_print(&name);
        self.push_directive(Directive {
            name,
            args,
            block: None,
            span,
            name_print,
        });
    }

    fn open_block(&mut self, words: &mut Vec<Token>, open: usize, poisoned: bool) {
        if self.skipped_depth > 0 || self.stack.len() >= MAX_DEPTH {
            if !self.depth_reported {
                self.depth_reported = true;
                self.error(
                    open,
                    open + 1,
                    format!("blocks nested deeper than {MAX_DEPTH} levels; their contents are not checked"),
                );
            }
            self.skipped_depth += 1;
            return;
        }
        let (name, args, start) = match Self::split_words(words) {
            Some((name, args)) => {
                let start = name.span.start as usize;
                (name, args, start)
            }
            None => {
                let dummy = Token {
                    span: self.span(open, open),
                    quote: Quote::None,
                    escaped: false,
                };
                (dummy, Box::default(), open)
            }
        };
        let kind = if is_custom_block(&self.text[name.span.range()]) {
            BlockKind::Custom
        } else {
            BlockKind::Directives
        };
        let parent_poisoned = self.stack.last().is_some_and(|f| f.poisoned);
        self.stack.push(Frame {
            name,
            args,
            start: start as u32,
            open: open as u32,
            kind,
            children: self.spare.pop().unwrap_or_default(),
            poisoned: poisoned || parent_poisoned,
        });
    }

    fn close_block(&mut self, close: usize) {
        if self.skipped_depth > 0 {
            self.skipped_depth -= 1;
            return;
        }
        let Some(frame) = self.stack.pop() else {
            self.error(close, close + 1, "unexpected \"}\"".into());
            return;
        };
        let mut children = frame.children;
        if frame.poisoned {
            children.clear();
            self.spare.push(children);
            return;
        }
        let directives = exact(&mut children);
        self.spare.push(children);
        let end = (close + 1).min(self.text.len());
        let block = Block {
            span: self.span(frame.open as usize, end),
            kind: frame.kind,
            directives,
        };
        let directive = Directive {
            name_print: self.name_print(&frame.name),
            name: frame.name,
            args: frame.args,
            block: Some(Box::new(block)),
            span: self.span(frame.start as usize, end),
        };
        self.push_directive(directive);
    }
}

/// Moves the statements into a list of exactly their number, leaving `buffer`
/// empty with its capacity for reuse.
fn exact(buffer: &mut Vec<Directive>) -> Vec<Directive> {
    let mut list = Vec::with_capacity(buffer.len());
    list.append(buffer);
    list
}

fn memchr_newline(text: &[u8], from: usize) -> usize {
    text[from..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(text.len(), |p| from + p)
}

fn preview(bytes: &[u8]) -> String {
    String::from_utf8_lossy(&bytes[..bytes.len().min(10)]).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(src: &str) -> (ParsedFile, Vec<Diagnostic>) {
        parse_file(FileId(0), Arc::from(src.as_bytes()))
    }

    fn words(f: &ParsedFile, d: &Directive) -> Vec<String> {
        std::iter::once(&d.name)
            .chain(&d.args)
            .map(|t| f.str(t).into_owned())
            .collect()
    }

    /// uselagoon/lagoon-images (OpenResty): braces, `;`-less lines and quotes of Lua in
    /// `*_by_lua_block` bodies read as nginx statements gave eight syntax errors on files
    /// `nginx -t` (1.22 with ngx_lua) accepts.
    #[test]
    fn lua_block_bodies_are_skipped_as_ngx_lua_reads_them() {
        let src = "location /h {\n content_by_lua_block {\n  ngx.say('{\"check\":\"pass\"}')\n  local t = { a = \"}\" } -- a } in a comment\n  --[[ } ]] local s = [==[ } ]] ]==]\n }\n return 200;\n}\n\
                   set_by_lua_block $v { return os.getenv(\"X\") }\n\
                   header_filter_by_lua_block {\n  local host = string.gsub(ngx.var.host, \"%p\", \"%%%1\")\n}\n";
        let (f, diags) = parse(src);
        assert!(diags.is_empty(), "{diags:?}");
        let location = &f.directives[0];
        let block = location.block.as_ref().expect("location block");
        let names: Vec<String> = block
            .directives
            .iter()
            .map(|d| f.str(&d.name).into_owned())
            .collect();
        assert_eq!(names, ["content_by_lua_block", "return"]);
        let lua = block.directives[0].block.as_ref().expect("lua block");
        assert_eq!(lua.kind, BlockKind::Custom);
        assert!(lua.directives.is_empty());
        assert_eq!(words(&f, &f.directives[1]), ["set_by_lua_block", "$v"]);
        assert_eq!(words(&f, &f.directives[2]), ["header_filter_by_lua_block"]);
        // A body that never closes is an unterminated block, reported once at the end.
        let (_, diags) = parse("content_by_lua_block { local s = '}' \n");
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert!(
            diags[0].message.contains("unexpected end of file"),
            "{diags:?}"
        );
        // Any other block's body is still nginx's.
        let (_, diags) = parse("location / { ngx.say('x') }\n");
        assert!(!diags.is_empty());
    }

    #[test]
    fn words_of_blocks_too_deep_to_keep_do_not_leak_into_the_next_statement() {
        let depth = MAX_DEPTH + 5;
        let src = format!("{}{}after x;", "level y {".repeat(depth), "}".repeat(depth));
        let (f, d) = parse(&src);
        assert_eq!(d.len(), 1, "{d:?}");
        let last = f.directives.last().expect("statements");
        assert_eq!(words(&f, last), ["after", "x"]);
    }

    #[test]
    fn hash_inside_a_word_is_not_a_comment() {
        let (f, d) = parse("a b#c; # comment\nd 'e#f';");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(words(&f, &f.directives[0]), ["a", "b#c"]);
        assert_eq!(words(&f, &f.directives[1]), ["d", "e#f"]);
        assert_eq!(f.comments.len(), 1);
    }

    #[test]
    fn quotes_and_escapes_follow_nginx() {
        let (f, d) = parse(r#"x "a\"b" 'c\'d' e\;f a"b" "t\tx" "\q";"#);
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(
            words(&f, &f.directives[0]),
            ["x", "a\"b", "c'd", "e\\;f", "a\"b\"", "t\tx", "\\q"]
        );
    }

    #[test]
    fn dollar_brace_stays_in_the_word_but_brace_alone_opens_a_block() {
        let (f, d) = parse("set $a ${b}c; x $a{ y; }");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(words(&f, &f.directives[0]), ["set", "$a", "${b}c"]);
        assert_eq!(words(&f, &f.directives[1]), ["x", "$a"]);
        assert!(f.directives[1].block.is_some());
    }

    #[test]
    fn if_parenthesis_after_quote_starts_a_word() {
        let (f, d) = parse("if ($a = \"b\") { return 403; }");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(words(&f, &f.directives[0]), ["if", "($a", "=", "b", ")"]);
    }

    #[test]
    fn every_error_of_a_file_is_reported_with_nginx_words() {
        let (f, d) = parse("a \"1\"x;\n;\nb { c }\n}\nok on;\n");
        let msgs: Vec<_> = d.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            msgs,
            [
                "unexpected \"x\"",
                "unexpected \";\"",
                "unexpected \"}\"",
                "unexpected \"}\""
            ]
        );
        // Resumed: the last statement is still parsed.
        assert_eq!(words(&f, f.directives.last().expect("ok")), ["ok", "on"]);
    }

    #[test]
    fn unterminated_statement_and_block_at_eof() {
        let (_, d) = parse("http {\n server {\n listen 80");
        let msgs: Vec<_> = d.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            msgs,
            [
                "unexpected end of file, expecting \";\" or \"}\"",
                "unexpected end of file, expecting \"}\""
            ]
        );
    }

    #[test]
    fn unterminated_quote_is_end_of_file() {
        let (_, d) = parse("a \"b;\n c;");
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains("unexpected end of file"));
    }

    #[test]
    fn deep_nesting_is_a_diagnostic_not_a_crash() {
        let src = "a {".repeat(100_000) + &"}".repeat(100_000);
        let (f, d) = parse(&src);
        assert_eq!(d.len(), 1, "{:?}", d.first());
        assert!(d[0].message.contains("nested deeper"));
        assert_eq!(f.directives.len(), 1);
    }

    #[test]
    fn huge_line_is_linear_and_reported() {
        let src = format!("a {};", "x".repeat(10 * 1024 * 1024));
        let (_, d) = parse(&src);
        assert_eq!(d.len(), 1);
        assert!(d[0].message.starts_with("too long parameter"));
    }

    #[test]
    fn non_utf8_bytes_parse() {
        let (f, d) = parse_file(FileId(0), Arc::from(&b"a \xff\xfe;"[..]));
        assert!(d.is_empty());
        assert_eq!(f.bytes(&f.directives[0].args[0]), b"\xff\xfe");
    }

    #[test]
    fn words_are_read_from_the_file_text_and_escapes_from_their_own_copy() {
        use std::borrow::Cow;
        let (f, _) = parse("server_name é.test \"a\\\"b\" 'ü';");
        let args = &f.directives[0].args;
        let words: Vec<Cow<'_, str>> = args.iter().map(|t| f.str(t)).collect();
        assert_eq!(words, ["é.test", "a\"b", "ü"]);
        // Unescaped words borrow the file's text; the escaped one reads its own copy.
        assert!(matches!(words[0], Cow::Borrowed(_)));
        assert!(matches!(words[2], Cow::Borrowed(_)));
        // Invalid UTF-8 elsewhere in a file: its words are read lossily, as before.
        let (f, _) = parse_file(
            FileId(0),
            Arc::from(&b"a \xff; server_name \xc3\xa9.test;"[..]),
        );
        assert!(f.utf8.is_none());
        assert_eq!(f.str(&f.directives[0].args[0]), "\u{fffd}");
        assert_eq!(f.str(&f.directives[1].args[0]), "é.test");
    }

    #[test]
    fn tokens_and_statements_stay_small() {
        // A 5 000-site tree holds about a million of each: the escaped values are kept
        // aside in their file so that a token is a span and two flags.
        assert_eq!(std::mem::size_of::<Token>(), 16);
        assert_eq!(std::mem::size_of::<Directive>(), 56);
        // Several escaped words in a file are each found again.
        let (f, _) = parse("a \"1\\\"\" b \"2\\\"\";\nc 'x\\'y' \"3\\\"\";");
        let all: Vec<String> = f
            .directives
            .iter()
            .flat_map(|d| d.args.iter().map(|t| f.str(t).into_owned()))
            .collect();
        assert_eq!(all, ["1\"", "b", "2\"", "x'y", "3\""]);
    }

    #[test]
    fn custom_blocks_are_marked() {
        let (f, _) = parse("types { text/html html; } map $a $b { default 1; }");
        assert!(f.directives.iter().all(|d| d
            .block
            .as_ref()
            .is_some_and(|b| b.kind == BlockKind::Custom)));
    }
}
