//! The parse tree of nginx configuration files.
//!
//! Nodes keep byte spans into their file and borrow nothing: the bytes live
//! once, in the file's `Arc<[u8]>`, and accessors slice them. Only arguments
//! whose escapes change their bytes have an owned, unescaped copy, kept aside in
//! their file (a token is 16 bytes, not 32: a 5 000-site tree has a million).

use std::borrow::Cow;
use std::sync::Arc;

use lint_source::{FileId, Span};

/// How an argument was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Quote {
    /// A bare word.
    None,
    /// `'...'`.
    Single,
    /// `"..."`.
    Double,
}

/// One word of a statement: the directive name or an argument.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    /// The raw bytes in the file, quotes included.
    pub span: Span,
    /// How it was quoted.
    pub quote: Quote,
    /// Its value (quotes removed, escapes resolved) differs from the bytes between the
    /// quotes: [`ParsedFile::bytes`] then reads the copy its file keeps.
    pub escaped: bool,
}

impl Token {
    /// The span of the value without its quotes.
    pub fn inner_span(&self) -> Span {
        match self.quote {
            Quote::None => self.span,
            Quote::Single | Quote::Double => Span {
                file: self.span.file,
                start: self.span.start + 1,
                end: self.span.end.saturating_sub(1).max(self.span.start + 1),
            },
        }
    }
}

/// What kind of body a block has.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BlockKind {
    /// Directives (http, server, location, ...).
    Directives,
    /// A custom syntax read by the module, not looked up as directives:
    /// `types`, `map`, `geo`, `split_clients`, `charset_map`, `match`, ...
    Custom,
}

/// A `{ ... }` body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Block {
    /// Span from `{` to `}` inclusive (to end of file when unterminated).
    pub span: Span,
    /// Whether the entries are directives.
    pub kind: BlockKind,
    /// The statements inside, in order (entries of custom bodies are parsed as statements too).
    pub directives: Vec<Directive>,
}

/// One statement: `name args... ;` or `name args... { ... }`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Directive {
    /// The first word.
    pub name: Token,
    /// The other words (exactly sized).
    pub args: Box<[Token]>,
    /// The body, for block directives (boxed: most statements have none, and an
    /// inline body would make every statement 32 bytes larger).
    pub block: Option<Box<Block>>,
    /// From the first byte of the name to the terminating `;` or `}` inclusive.
    pub span: Span,
    /// [`name_print`] of the name's value, or 0 when the name has escapes (its value is
    /// not its bytes). It fills what was padding: the statement stays 56 bytes.
    pub(crate) name_print: u32,
}

/// A fingerprint of a directive name: its length and three of its bytes. Asking a
/// statement "are you `fastcgi_pass`?" is the commonest question of a run (tens of
/// millions on 5 000 sites); different prints answer "no" without reading the name.
/// Equal prints say nothing: the bytes are compared then.
///
/// ```
/// use nginx_conf_parser::ast::name_print;
/// assert_ne!(name_print(b"fastcgi_pass"), name_print(b"fastcgi_param"));
/// assert_eq!(name_print(b"root"), name_print(b"root"));
/// ```
#[inline]
pub const fn name_print(name: &[u8]) -> u32 {
    let len = name.len();
    if len == 0 {
        return 0;
    }
    let length = if len > 255 { 255 } else { len as u32 };
    length | (name[0] as u32) << 8 | (name[len / 2] as u32) << 16 | (name[len - 1] as u32) << 24
}

/// A `#` comment (kept for suppression comments).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    /// From `#` to the end of the line, excluding the newline.
    pub span: Span,
}

/// One parsed file.
#[derive(Debug)]
pub struct ParsedFile {
    /// Its id in the source map.
    pub id: FileId,
    /// Its bytes (shared with the source map).
    pub text: Arc<[u8]>,
    /// Top-level statements.
    pub directives: Vec<Directive>,
    /// Every comment, in order.
    pub comments: Vec<Comment>,
    /// The values of escaped tokens (see [`Token::escaped`]) by their first byte, in
    /// order.
    pub(crate) unescaped: Vec<(u32, Box<[u8]>)>,
    /// `text` as a `str` (the same allocation) when the file is UTF-8: tokens are then
    /// sliced out of it instead of validated one by one (`from_utf8` on every name and
    /// argument read was 6 % of a lint).
    pub(crate) utf8: Option<Arc<str>>,
}

/// A file's bytes, with a `str` view of the same allocation when they are UTF-8, as
/// [`crate::parse_text`] takes them. Making one copies the bytes once (an `Arc<[u8]>`
/// cannot be re-read as `str` in place); the loader makes it before the file enters
/// the source map, so that only one copy stays.
#[derive(Clone, Debug)]
pub struct Text {
    pub(crate) bytes: Arc<[u8]>,
    pub(crate) utf8: Option<Arc<str>>,
}

impl Text {
    /// The bytes, checked once for UTF-8.
    ///
    /// ```
    /// use std::sync::Arc;
    /// let text = nginx_conf_parser::Text::new(Arc::from(&b"events {}\n"[..]));
    /// assert_eq!(&text.bytes()[..], b"events {}\n");
    /// ```
    pub fn new(bytes: Arc<[u8]>) -> Self {
        match std::str::from_utf8(&bytes) {
            Ok(text) => {
                let utf8: Arc<str> = Arc::from(text);
                Text {
                    bytes: Arc::<[u8]>::from(utf8.clone()),
                    utf8: Some(utf8),
                }
            }
            Err(_) => Text { bytes, utf8: None },
        }
    }

    /// The bytes (what the source map keeps).
    pub fn bytes(&self) -> Arc<[u8]> {
        self.bytes.clone()
    }
}

impl ParsedFile {
    /// The raw bytes of a span in this file.
    pub fn slice(&self, span: Span) -> &[u8] {
        let end = (span.end as usize).min(self.text.len());
        let start = (span.start as usize).min(end);
        &self.text[start..end]
    }

    /// A token's value: unquoted and unescaped.
    pub fn bytes<'a>(&'a self, token: &'a Token) -> &'a [u8] {
        if token.escaped {
            let at = token.span.start;
            if let Ok(i) = self
                .unescaped
                .binary_search_by_key(&at, |(start, _)| *start)
            {
                return &self.unescaped[i].1;
            }
        }
        self.slice(token.inner_span())
    }

    /// A token's value as text (lossy for non-UTF-8 bytes; borrowed when valid).
    pub fn str<'a>(&'a self, token: &'a Token) -> Cow<'a, str> {
        if let (false, Some(text)) = (token.escaped, &self.utf8) {
            let span = token.inner_span();
            if let Some(word) = text.get(span.start as usize..span.end as usize) {
                return Cow::Borrowed(word);
            }
        }
        let bytes = self.bytes(token);
        // `from_utf8` checks ASCII a word at a time; `from_utf8_lossy` walks byte by
        // byte (it was the run's costliest function after the allocator).
        match std::str::from_utf8(bytes) {
            Ok(text) => Cow::Borrowed(text),
            Err(_) => String::from_utf8_lossy(bytes),
        }
    }

    /// A directive's name.
    pub fn name<'a>(&'a self, directive: &'a Directive) -> Cow<'a, str> {
        self.str(&directive.name)
    }
}
