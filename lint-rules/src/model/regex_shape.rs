//! The shape of a PCRE pattern as nginx compiles it: groups, alternatives,
//! repeats, anchors and the characters each part can match. PCRE2 (the `pcre2`
//! crate) decides whether a pattern compiles and how many groups it has; this
//! parse answers the structural questions PCRE2 does not expose: is every
//! alternative anchored, which capture encloses which, can a repeated part match
//! the same text in more than one way (catastrophic backtracking).
//!
//! Bytes, not characters: nginx compiles without UTF mode unless asked, so a
//! class is a set of 256 byte values.

use std::ops::ControlFlow;

/// A set of bytes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ByteSet([u64; 4]);

impl ByteSet {
    /// Every byte.
    pub const ALL: ByteSet = ByteSet([u64::MAX; 4]);

    /// One byte.
    pub fn byte(b: u8) -> Self {
        let mut s = ByteSet::default();
        s.insert(b);
        s
    }

    /// Adds a byte.
    pub fn insert(&mut self, b: u8) {
        self.0[usize::from(b >> 6)] |= 1 << (b & 63);
    }

    /// True when `b` is in the set.
    pub fn contains(&self, b: u8) -> bool {
        self.0[usize::from(b >> 6)] & (1 << (b & 63)) != 0
    }

    /// Adds `lo..=hi`.
    fn range(&mut self, lo: u8, hi: u8) {
        for b in lo..=hi {
            self.insert(b);
        }
    }

    /// The union.
    pub fn union(&self, o: &ByteSet) -> ByteSet {
        let mut s = *self;
        for (a, b) in s.0.iter_mut().zip(o.0) {
            *a |= b;
        }
        s
    }

    /// True when the two sets share a byte.
    pub fn intersects(&self, o: &ByteSet) -> bool {
        self.0.iter().zip(o.0).any(|(a, b)| a & b != 0)
    }

    /// The complement.
    fn negate(&self) -> ByteSet {
        ByteSet(self.0.map(|w| !w))
    }

    /// The one byte of a set of one (a literal).
    pub fn single(&self) -> Option<u8> {
        if self.0.iter().map(|w| w.count_ones()).sum::<u32>() != 1 {
            return None;
        }
        (0..=u8::MAX).find(|b| self.contains(*b))
    }

    /// True for the empty set.
    pub fn is_empty(&self) -> bool {
        self.0 == [0; 4]
    }

    /// True when every byte of `self` is in `o`.
    pub fn is_subset(&self, o: &ByteSet) -> bool {
        self.0.iter().zip(o.0).all(|(a, b)| a & !b == 0)
    }

    /// The set with both cases of every ASCII letter.
    fn caseless(&self) -> ByteSet {
        let mut s = *self;
        for b in b'a'..=b'z' {
            if self.contains(b) || self.contains(b.to_ascii_uppercase()) {
                s.insert(b);
                s.insert(b.to_ascii_uppercase());
            }
        }
        s
    }
}

/// What a group is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GroupKind {
    /// A capture with its number (named captures are numbered too).
    Capture(u32),
    /// `(?:...)`, `(?i:...)`, `(?|...)`.
    NonCapture,
    /// `(?>...)`: no backtracking into it.
    Atomic,
    /// A lookaround: zero-width.
    Look {
        /// `(?<=`/`(?<!` rather than `(?=`/`(?!`.
        behind: bool,
        /// `(?!`/`(?<!`.
        negative: bool,
    },
}

/// A parsed pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Node {
    /// Matches the empty string.
    Empty,
    /// One byte out of a set (a literal, a class, `.`, `\d`).
    Set(ByteSet),
    /// `^`, `\A`.
    Start,
    /// `$`, `\z`, `\Z`.
    End,
    /// Other zero-width assertions (`\b`, `\G`).
    Assert,
    /// Something this parse does not model (back-references, recursion): may match anything.
    Opaque,
    /// A group; `at` is the byte offset of its `(` in the pattern.
    Group {
        /// What kind.
        kind: GroupKind,
        /// Its body.
        body: Box<Node>,
        /// Offset of `(`.
        at: usize,
        /// Offset just past `)`.
        end: usize,
    },
    /// A quantified part.
    Repeat {
        /// The part.
        body: Box<Node>,
        /// Minimum count.
        min: u32,
        /// Maximum count (`None`: unbounded).
        max: Option<u32>,
        /// `*+`, `++`: no backtracking into it.
        possessive: bool,
    },
    /// A sequence.
    Concat(Vec<Node>),
    /// Alternatives.
    Alt(Vec<Node>),
}

/// Why a pattern was not parsed.
#[derive(Debug, PartialEq, Eq)]
pub struct Unparsed;

/// Nesting deeper than PCRE2's own default limit (250) is not parsed.
const MAX_DEPTH: usize = 250;

/// What a rule concluded about each distinct pattern: a tree of 1 000 sites writes
/// `\.php$` 1 000 times, and parsing it once is the difference between a rule that
/// allocates per statement and one that allocates per pattern.
#[derive(Debug)]
pub struct Verdicts<T> {
    seen: foldhash::HashMap<(Box<str>, bool), Option<T>>,
}

impl<T: Clone> Default for Verdicts<T> {
    fn default() -> Self {
        Verdicts {
            seen: foldhash::HashMap::default(),
        }
    }
}

impl<T: Clone> Verdicts<T> {
    /// `judge`'s verdict on the parsed pattern, computed once per (pattern, caseless);
    /// `None` when the pattern does not parse.
    pub fn of(
        &mut self,
        pattern: &str,
        caseless: bool,
        judge: impl FnOnce(&Node) -> T,
    ) -> Option<T> {
        if let Some(v) = self.seen.get(&(Box::from(pattern), caseless)) {
            return v.clone();
        }
        let verdict = parse(pattern, caseless).ok().map(|node| judge(&node));
        self.seen
            .insert((Box::from(pattern), caseless), verdict.clone());
        verdict
    }
}

/// Parses `pattern`; `caseless` for `~*` and other case-insensitive contexts.
pub fn parse(pattern: &str, caseless: bool) -> Result<Node, Unparsed> {
    let mut p = Parser {
        s: pattern.as_bytes(),
        i: 0,
        caps: 0,
        depth: 0,
    };
    let node = p.alternation(Flags {
        caseless,
        extended: false,
    })?;
    if p.i < p.s.len() {
        // An unbalanced `)`.
        return Err(Unparsed);
    }
    Ok(node)
}

#[derive(Clone, Copy)]
struct Flags {
    caseless: bool,
    extended: bool,
}

struct Parser<'s> {
    s: &'s [u8],
    i: usize,
    caps: u32,
    depth: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn alternation(&mut self, mut flags: Flags) -> Result<Node, Unparsed> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(Unparsed);
        }
        let mut alts = Vec::new();
        let mut seq = Vec::new();
        loop {
            match self.peek() {
                None | Some(b')') => break,
                Some(b'|') => {
                    self.i += 1;
                    alts.push(concat(std::mem::take(&mut seq)));
                }
                Some(_) => {
                    let atom = self.atom(&mut flags)?;
                    let Some(atom) = atom else { continue };
                    let atom = self.quantifier(atom)?;
                    seq.push(atom);
                }
            }
        }
        self.depth -= 1;
        let last = concat(seq);
        if alts.is_empty() {
            return Ok(last);
        }
        alts.push(last);
        Ok(Node::Alt(alts))
    }

    fn quantifier(&mut self, atom: Node) -> Result<Node, Unparsed> {
        let (min, max) = match self.peek() {
            Some(b'*') => (0, None),
            Some(b'+') => (1, None),
            Some(b'?') => (0, Some(1)),
            Some(b'{') => match self.counted() {
                Some((min, max, len)) => {
                    self.i += len - 1;
                    (min, max)
                }
                None => return Ok(atom),
            },
            _ => return Ok(atom),
        };
        self.i += 1;
        let mut possessive = false;
        match self.peek() {
            Some(b'?') => self.i += 1,
            Some(b'+') => {
                self.i += 1;
                possessive = true;
            }
            _ => {}
        }
        if matches!(atom, Node::Start | Node::End | Node::Assert) {
            return Ok(atom);
        }
        let node = Node::Repeat {
            body: Box::new(atom),
            min,
            max,
            possessive,
        };
        // `a**` is an error in PCRE; a second quantifier wraps again.
        if matches!(self.peek(), Some(b'*' | b'+' | b'?')) {
            return Err(Unparsed);
        }
        Ok(node)
    }

    /// `{n}`, `{n,}`, `{n,m}` at `self.i`: (min, max, length); `None` when it is a literal `{`.
    fn counted(&self) -> Option<(u32, Option<u32>, usize)> {
        let rest = &self.s[self.i..];
        let close = rest.iter().position(|b| *b == b'}')?;
        let inner = std::str::from_utf8(&rest[1..close]).ok()?;
        let (lo, hi) = match inner.split_once(',') {
            Some((lo, hi)) => (lo, Some(hi)),
            None => (inner, None),
        };
        let min: u32 = lo.trim().parse().ok()?;
        let max = match hi {
            None => Some(min),
            Some(h) if h.trim().is_empty() => None,
            Some(h) => Some(h.trim().parse().ok()?),
        };
        Some((min, max, close + 1))
    }

    /// One atom; `None` for things that are not atoms (flag settings, comments).
    fn atom(&mut self, flags: &mut Flags) -> Result<Option<Node>, Unparsed> {
        let Some(c) = self.peek() else {
            return Ok(None);
        };
        self.i += 1;
        let set = |b: u8| {
            let s = ByteSet::byte(b);
            Node::Set(if flags.caseless { s.caseless() } else { s })
        };
        Ok(Some(match c {
            b'^' => Node::Start,
            b'$' => Node::End,
            b'.' => {
                let mut s = ByteSet::ALL;
                s.0[0] &= !(1 << b'\n');
                Node::Set(s)
            }
            b'[' => {
                let s = self.class()?;
                Node::Set(if flags.caseless { s.caseless() } else { s })
            }
            b'\\' => return self.escape(*flags).map(Some),
            b'(' => return self.group(flags),
            b'*' | b'+' | b'?' => return Err(Unparsed),
            b' ' | b'\t' | b'\n' | b'\r' if flags.extended => return Ok(None),
            b'#' if flags.extended => {
                while self.peek().is_some_and(|b| b != b'\n') {
                    self.i += 1;
                }
                return Ok(None);
            }
            other => set(other),
        }))
    }

    fn escape(&mut self, flags: Flags) -> Result<Node, Unparsed> {
        let Some(c) = self.peek() else {
            return Err(Unparsed);
        };
        self.i += 1;
        let class = |f: fn(u8) -> bool| {
            let mut s = ByteSet::default();
            for b in 0..=255u8 {
                if f(b) {
                    s.insert(b);
                }
            }
            s
        };
        let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
        let space = |b: u8| matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r');
        let lit = |b: u8| {
            let s = ByteSet::byte(b);
            Node::Set(if flags.caseless { s.caseless() } else { s })
        };
        Ok(match c {
            b'd' => Node::Set(class(|b| b.is_ascii_digit())),
            b'D' => Node::Set(class(|b| !b.is_ascii_digit())),
            b'w' => Node::Set(class(word)),
            b'W' => Node::Set(class(|b| !(b.is_ascii_alphanumeric() || b == b'_'))),
            b's' => Node::Set(class(space)),
            b'S' => Node::Set(class(|b| {
                !matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
            })),
            b'h' => Node::Set(class(|b| b == b' ' || b == b'\t')),
            b'v' => Node::Set(class(|b| (0x0a..=0x0d).contains(&b))),
            b'H' | b'V' | b'N' | b'R' | b'X' | b'C' | b'p' | b'P' => {
                if matches!(c, b'p' | b'P') && self.peek() == Some(b'{') {
                    self.skip_to(b'}');
                } else if matches!(c, b'p' | b'P') {
                    self.i += 1;
                }
                Node::Set(ByteSet::ALL)
            }
            b'A' => Node::Start,
            b'z' | b'Z' => Node::End,
            b'b' | b'B' | b'G' | b'K' => Node::Assert,
            b'1'..=b'9' | b'g' | b'k' => {
                // A back-reference: `\1`, `\g{-1}`, `\k<name>`.
                while self.peek().is_some_and(|b| b.is_ascii_digit()) {
                    self.i += 1;
                }
                match self.peek() {
                    Some(b'{') => self.skip_to(b'}'),
                    Some(b'<') => self.skip_to(b'>'),
                    Some(b'\'') => {
                        self.i += 1;
                        self.skip_to(b'\'');
                    }
                    _ => {}
                }
                Node::Opaque
            }
            b'Q' => {
                // `\Q...\E`: a literal run.
                let mut parts = Vec::new();
                while self.i < self.s.len() && !self.s[self.i..].starts_with(b"\\E") {
                    parts.push(lit(self.s[self.i]));
                    self.i += 1;
                }
                if self.i < self.s.len() {
                    self.i += 2;
                }
                concat(parts)
            }
            b'E' => Node::Empty,
            b'x' => {
                let byte = if self.peek() == Some(b'{') {
                    let start = self.i + 1;
                    self.skip_to(b'}');
                    let hex = self
                        .s
                        .get(start..self.i.saturating_sub(1))
                        .and_then(|h| std::str::from_utf8(h).ok())
                        .unwrap_or("");
                    u32::from_str_radix(hex, 16).unwrap_or(0)
                } else {
                    let start = self.i;
                    while self.i < start + 2 && self.peek().is_some_and(|b| b.is_ascii_hexdigit()) {
                        self.i += 1;
                    }
                    let hex = std::str::from_utf8(&self.s[start..self.i]).unwrap_or("");
                    u32::from_str_radix(hex, 16).unwrap_or(0)
                };
                u8::try_from(byte).map_or(Node::Set(ByteSet::ALL), lit)
            }
            b'n' => lit(b'\n'),
            b't' => lit(b'\t'),
            b'r' => lit(b'\r'),
            b'f' => lit(0x0c),
            b'e' => lit(0x1b),
            b'a' => lit(0x07),
            b'0' => {
                while self.peek().is_some_and(|b| (b'0'..=b'7').contains(&b)) {
                    self.i += 1;
                }
                Node::Set(ByteSet::ALL)
            }
            other => lit(other),
        })
    }

    /// Moves past the next `end` byte.
    fn skip_to(&mut self, end: u8) {
        while let Some(b) = self.peek() {
            self.i += 1;
            if b == end {
                break;
            }
        }
    }

    /// A `[...]` class; `self.i` is just past `[`.
    fn class(&mut self) -> Result<ByteSet, Unparsed> {
        let mut set = ByteSet::default();
        let negated = self.peek() == Some(b'^');
        if negated {
            self.i += 1;
        }
        let mut first = true;
        let mut prev: Option<u8> = None;
        loop {
            let Some(c) = self.peek() else {
                return Err(Unparsed);
            };
            self.i += 1;
            if c == b']' && !first {
                break;
            }
            first = false;
            let single = match c {
                b'[' if self.peek() == Some(b':') => {
                    // `[:alpha:]` and friends: approximated by what they can contain.
                    let start = self.i;
                    self.skip_to(b']');
                    let name = std::str::from_utf8(&self.s[start..self.i]).unwrap_or("");
                    let f: fn(u8) -> bool = match name.trim_matches([':', ']', '^']) {
                        "alpha" => |b| b.is_ascii_alphabetic(),
                        "digit" => |b| b.is_ascii_digit(),
                        "alnum" => |b| b.is_ascii_alphanumeric(),
                        "upper" => |b| b.is_ascii_uppercase(),
                        "lower" => |b| b.is_ascii_lowercase(),
                        "space" => |b| b.is_ascii_whitespace(),
                        "xdigit" => |b| b.is_ascii_hexdigit(),
                        "word" => |b| b.is_ascii_alphanumeric() || b == b'_',
                        _ => |_| true,
                    };
                    for b in 0..=255u8 {
                        if f(b) {
                            set.insert(b);
                        }
                    }
                    prev = None;
                    continue;
                }
                b'\\' => {
                    let Some(e) = self.peek() else {
                        return Err(Unparsed);
                    };
                    self.i += 1;
                    let sub: Option<ByteSet> = match e {
                        b'd' | b'D' | b'w' | b'W' | b's' | b'S' | b'h' | b'v' | b'H' | b'V'
                        | b'p' | b'P' => {
                            self.i -= 1;
                            match self.escape(Flags {
                                caseless: false,
                                extended: false,
                            })? {
                                Node::Set(s) => Some(s),
                                _ => Some(ByteSet::ALL),
                            }
                        }
                        _ => None,
                    };
                    if let Some(s) = sub {
                        set = set.union(&s);
                        prev = None;
                        continue;
                    }
                    match e {
                        b'n' => b'\n',
                        b't' => b'\t',
                        b'r' => b'\r',
                        b'x' => {
                            // Hex escapes in classes: approximated by every byte.
                            set = ByteSet::ALL;
                            prev = None;
                            continue;
                        }
                        other => other,
                    }
                }
                b'-' if prev.is_some() && self.peek().is_some_and(|b| b != b']') => {
                    let lo = prev.unwrap_or(b'-');
                    let mut hi = self.peek().unwrap_or(b'-');
                    self.i += 1;
                    if hi == b'\\' {
                        hi = self.peek().unwrap_or(b'\\');
                        self.i += 1;
                    }
                    if lo <= hi {
                        set.range(lo, hi);
                    }
                    prev = None;
                    continue;
                }
                other => other,
            };
            set.insert(single);
            prev = Some(single);
        }
        Ok(if negated { set.negate() } else { set })
    }

    /// A group; `self.i` is just past `(`.
    fn group(&mut self, flags: &mut Flags) -> Result<Option<Node>, Unparsed> {
        let at = self.i - 1;
        let rest = &self.s[self.i..];
        let mut inner = *flags;
        let kind = if rest.starts_with(b"*") {
            // `(*UTF)`, `(*MARK:x)`: verbs.
            self.skip_to(b')');
            return Ok(None);
        } else if rest.starts_with(b"?#") {
            self.skip_to(b')');
            return Ok(None);
        } else if rest.starts_with(b"?:") || rest.starts_with(b"?|") {
            self.i += 2;
            GroupKind::NonCapture
        } else if rest.starts_with(b"?>") {
            self.i += 2;
            GroupKind::Atomic
        } else if rest.starts_with(b"?=") || rest.starts_with(b"?!") {
            self.i += 2;
            GroupKind::Look {
                behind: false,
                negative: rest[1] == b'!',
            }
        } else if rest.starts_with(b"?<=") || rest.starts_with(b"?<!") {
            self.i += 3;
            GroupKind::Look {
                behind: true,
                negative: rest[2] == b'!',
            }
        } else if rest.starts_with(b"?<") || rest.starts_with(b"?P<") || rest.starts_with(b"?'") {
            let close = if rest[1] == b'\'' { b'\'' } else { b'>' };
            self.skip_to(close);
            self.caps += 1;
            GroupKind::Capture(self.caps)
        } else if rest.starts_with(b"?") {
            // Flags `(?i)`, `(?i-x:...)`, or recursion `(?R)`, `(?1)`, `(?&n)`, `(?P>n)`.
            let mut j = 1;
            let mut on = true;
            let mut set = *flags;
            while let Some(&b) = rest.get(j) {
                match b {
                    b'i' => set.caseless = on,
                    b'x' => set.extended = on,
                    b'-' => on = false,
                    b's' | b'm' | b'U' | b'J' | b'n' | b'^' => {}
                    _ => break,
                }
                j += 1;
            }
            match rest.get(j) {
                Some(b')') => {
                    self.i += j + 1;
                    *flags = set;
                    return Ok(None);
                }
                Some(b':') => {
                    self.i += j + 1;
                    inner = set;
                    GroupKind::NonCapture
                }
                _ => {
                    self.skip_to(b')');
                    return Ok(Some(Node::Opaque));
                }
            }
        } else {
            self.caps += 1;
            GroupKind::Capture(self.caps)
        };
        let body = self.alternation(inner)?;
        if self.peek() != Some(b')') {
            return Err(Unparsed);
        }
        self.i += 1;
        Ok(Some(Node::Group {
            kind,
            body: Box::new(body),
            at,
            end: self.i,
        }))
    }
}

fn concat(mut items: Vec<Node>) -> Node {
    match items.len() {
        0 => Node::Empty,
        1 => items.pop().unwrap_or(Node::Empty),
        _ => Node::Concat(items),
    }
}

impl Node {
    /// True when the part can match the empty string.
    pub fn nullable(&self) -> bool {
        match self {
            Node::Empty | Node::Start | Node::End | Node::Assert => true,
            Node::Set(_) => false,
            Node::Opaque => true,
            Node::Group { kind, body, .. } => {
                matches!(kind, GroupKind::Look { .. }) || body.nullable()
            }
            Node::Repeat { body, min, .. } => *min == 0 || body.nullable(),
            Node::Concat(items) => items.iter().all(Node::nullable),
            Node::Alt(alts) => alts.iter().any(Node::nullable),
        }
    }

    /// Bytes the part's match can start with.
    pub fn first(&self) -> ByteSet {
        self.bytes(true)
    }

    /// Every byte the part's match can contain.
    pub fn universe(&self) -> ByteSet {
        self.bytes(false)
    }

    /// The one walk behind [`Node::first`] (`first_only`) and [`Node::universe`]: they
    /// differ only in a sequence (the first stops after its first part that cannot be
    /// empty) and in `{0}` (nothing can come first; its bytes still count as contained).
    fn bytes(&self, first_only: bool) -> ByteSet {
        match self {
            Node::Set(s) => *s,
            Node::Opaque => ByteSet::ALL,
            Node::Group {
                kind: GroupKind::Look { .. },
                ..
            } => ByteSet::default(),
            Node::Group { body, .. } => body.bytes(first_only),
            Node::Repeat { max: Some(0), .. } if first_only => ByteSet::default(),
            Node::Repeat { body, .. } => body.bytes(first_only),
            Node::Concat(items) if first_only => {
                let mut s = ByteSet::default();
                for item in items {
                    s = s.union(&item.bytes(true));
                    if !item.nullable() {
                        break;
                    }
                }
                s
            }
            Node::Concat(items) | Node::Alt(items) => items
                .iter()
                .fold(ByteSet::default(), |s, a| s.union(&a.bytes(first_only))),
            Node::Empty | Node::Start | Node::End | Node::Assert => ByteSet::default(),
        }
    }

    /// Visits every capture group in pattern order (the order of their `(`, which is
    /// also their numbering) until `visit` breaks: the one walk behind
    /// [`Node::capture`], [`Node::captures`] and [`Node::capture_parents`].
    fn each_capture<'n, B>(
        &'n self,
        mut visit: impl FnMut(CaptureGroup<'n>) -> ControlFlow<B>,
    ) -> Option<B> {
        let mut stack = vec![(self, None)];
        while let Some((node, parent)) = stack.pop() {
            match node {
                Node::Group { kind, body, at, .. } => {
                    let mut inner = parent;
                    if let GroupKind::Capture(number) = kind {
                        let group = CaptureGroup {
                            node,
                            number: *number,
                            at: *at,
                            parent,
                        };
                        if let ControlFlow::Break(b) = visit(group) {
                            return Some(b);
                        }
                        inner = Some(*number);
                    }
                    stack.push((body, inner));
                }
                Node::Repeat { body, .. } => stack.push((body, parent)),
                Node::Concat(items) | Node::Alt(items) => {
                    stack.extend(items.iter().rev().map(|i| (i, parent)));
                }
                _ => {}
            }
        }
        None
    }

    /// The capture group numbered `n`.
    pub fn capture(&self, n: u32) -> Option<&Node> {
        self.each_capture(|g| {
            if g.number == n {
                ControlFlow::Break(g.node)
            } else {
                ControlFlow::Continue(())
            }
        })
    }

    /// Each capture number with the capture that encloses it (`None` at the top).
    pub fn capture_parents(&self) -> Vec<(u32, Option<u32>)> {
        let mut out = Vec::new();
        self.each_capture::<()>(|g| {
            out.push((g.number, g.parent));
            ControlFlow::Continue(())
        });
        out
    }

    /// Every capture group's number and the offset of its `(`, in pattern order.
    pub fn captures(&self) -> Vec<(u32, usize)> {
        let mut out = Vec::new();
        self.each_capture::<()>(|g| {
            out.push((g.number, g.at));
            ControlFlow::Continue(())
        });
        out
    }

    /// The capture group a `$1` or `$name` refers to; `pattern` is the text this node
    /// was parsed from (names are read there).
    pub fn capture_ref(&self, pattern: &str, r: CaptureRef<'_>) -> Option<&Node> {
        let n = match r {
            CaptureRef::Number(n) => n,
            CaptureRef::Name(name) => {
                self.captures()
                    .into_iter()
                    .find(|(_, at)| capture_name(pattern, *at) == Some(name))?
                    .0
            }
        };
        self.capture(n)
    }
}

/// One capture group met by [`Node::each_capture`].
struct CaptureGroup<'n> {
    /// The group itself.
    node: &'n Node,
    /// Its number.
    number: u32,
    /// Offset of its `(`.
    at: usize,
    /// The number of the capture around it, if any.
    parent: Option<u32>,
}

/// A reference to a capture group: `$1` or `$name`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaptureRef<'a> {
    /// `$1`..`$9`.
    Number(u32),
    /// A named capture.
    Name(&'a str),
}

impl<'a> CaptureRef<'a> {
    /// The capture a variable name refers to: digits are a number, anything else a name.
    pub fn of_variable(name: &'a str) -> Self {
        match name.parse() {
            Ok(n) => CaptureRef::Number(n),
            Err(_) => CaptureRef::Name(name),
        }
    }
}

/// The name of the capture group whose `(` is at `at` in `pattern` (`(?<name>`,
/// `(?P<name>`, `(?'name'`); `None` for an unnamed group.
pub fn capture_name(pattern: &str, at: usize) -> Option<&str> {
    let rest = pattern.get(at + 1..)?.strip_prefix('?')?;
    let (name, close) = if let Some(r) = rest.strip_prefix("P<") {
        (r, '>')
    } else if let Some(r) = rest.strip_prefix('\'') {
        (r, '\'')
    } else {
        (rest.strip_prefix('<')?, '>')
    };
    let end = name.find(close)?;
    Some(&name[..end])
}

/// True when no subject that begins with `/` can match: every way through the pattern
/// starts at `^` and then needs a first byte that cannot be `/` (`^admin/`,
/// `^(api|admin)/`, `^([a-zA-Z0-9]{6})$`). nginx matches regex locations, `rewrite` and
/// `if ($uri ~ ...)` against the normalised URI, which always begins with `/`. A part
/// this parse does not model (a lookaround right after the anchor, a back-reference)
/// is taken to possibly match `/`.
///
/// ```
/// use lint_rules::model::regex_shape::{anchored_away_from_slash, parse};
/// let away = |p: &str| anchored_away_from_slash(&parse(p, false).unwrap());
/// assert!(away("^admin/"));
/// assert!(away("^(api|admin)/"));
/// assert!(away("^([a-zA-Z0-9]{6}(@raw)?)$"));
/// assert!(!away("^/admin"));
/// assert!(!away("^(/api|admin)"));
/// assert!(!away("^.*admin"));
/// assert!(!away("admin$"));
/// assert!(!away("^$"));
/// ```
pub fn anchored_away_from_slash(node: &Node) -> bool {
    match node {
        Node::Alt(alts) => !alts.is_empty() && alts.iter().all(anchored_away_from_slash),
        Node::Group {
            kind: GroupKind::Capture(_) | GroupKind::NonCapture | GroupKind::Atomic,
            body,
            ..
        } => anchored_away_from_slash(body),
        Node::Concat(items) => match items.split_first() {
            Some((Node::Start, rest)) => {
                let mut first = ByteSet::default();
                for item in rest {
                    if matches!(
                        item,
                        Node::Opaque
                            | Node::Group {
                                kind: GroupKind::Look { .. },
                                ..
                            }
                    ) {
                        return false;
                    }
                    first = first.union(&item.first());
                    if !item.nullable() {
                        return !first.contains(b'/');
                    }
                }
                false
            }
            Some((head, _)) => anchored_away_from_slash(head),
            None => false,
        },
        _ => false,
    }
}

/// True when every top-level alternative is pinned to the start (`^`, `\A`) or the end
/// (`$`, `\z`) of the subject, so the engine cannot retry it at every offset.
pub fn is_anchored(node: &Node) -> bool {
    match node {
        Node::Alt(alts) => alts.iter().all(is_anchored),
        Node::Group {
            kind: GroupKind::Capture(_) | GroupKind::NonCapture | GroupKind::Atomic,
            body,
            ..
        } => is_anchored(body),
        _ => {
            pinned(node, false)
                || pinned(node, true)
                || ends_at_segment(node)
                || (dot_star_edge(node, false) && dot_star_edge(node, true))
        }
    }
}

/// True when the first (or, `last`, the final) part of `node` is `.*` or `.+`. With one at
/// both edges (`.*/thumb__\d+__.*`, Pimcore's thumbnail location) the pattern says in so
/// many words that it matches anywhere, as `^.*/thumb__\d+__.*$` would. One at a single
/// edge says nothing of the other: `.*\.php` matches `/x.php.jpg` as `\.php` does, so it
/// stays unanchored.
fn dot_star_edge(node: &Node, last: bool) -> bool {
    match node {
        Node::Concat(items) => {
            let edge = if last { items.last() } else { items.first() };
            edge.is_some_and(|e| dot_star_edge(e, last))
        }
        Node::Group {
            kind: GroupKind::Capture(_) | GroupKind::NonCapture | GroupKind::Atomic,
            body,
            ..
        } => dot_star_edge(body, last),
        Node::Repeat {
            body, max: None, ..
        } => matches!(&**body, Node::Set(set) if any_but_newline(set)),
        _ => false,
    }
}

/// True when `node` ends in a choice between the end of the subject and a `/`, with
/// nothing after it: `\.php(/|$)`, a script name followed by nothing or by PATH_INFO
/// (nginx's own PHP example). It cannot match `/x.php.jpg` or `/a.phpinfo/`; what
/// follows the `/` is PATH_INFO, a risk of its own (SEC001).
fn ends_at_segment(node: &Node) -> bool {
    match node {
        Node::Concat(items) => items.last().is_some_and(ends_at_segment),
        Node::Group {
            kind: GroupKind::Capture(_) | GroupKind::NonCapture,
            body,
            ..
        } => ends_at_segment(body),
        Node::Alt(alts) => {
            let slash = |a: &Node| match a {
                Node::Set(set) => *set == ByteSet::byte(b'/'),
                Node::Concat(items) => {
                    matches!(items.last(), Some(Node::Set(set)) if *set == ByteSet::byte(b'/'))
                }
                _ => false,
            };
            alts.iter().any(|a| pinned(a, true)) && alts.iter().all(|a| pinned(a, true) || slash(a))
        }
        _ => false,
    }
}

/// True when the first (or, `last`, the final) meaningful part of `node` is an anchor.
fn pinned(node: &Node, last: bool) -> bool {
    match node {
        Node::Start => !last,
        Node::End => last,
        Node::Concat(items) => {
            // Zero-width assertions may stand between the anchor and the edge; a
            // lookaround may carry the anchor itself. Walked in a loop: a run of
            // thousands of `\b` costs no stack.
            let ordered: Box<dyn Iterator<Item = &Node>> = if last {
                Box::new(items.iter().rev())
            } else {
                Box::new(items.iter())
            };
            for edge in ordered {
                match edge {
                    Node::Group {
                        kind: GroupKind::Look { .. },
                        body,
                        ..
                    } => {
                        if pinned(body, last) {
                            return true;
                        }
                    }
                    Node::Assert => {}
                    other => return pinned(other, last),
                }
            }
            false
        }
        Node::Group { body, .. } => pinned(body, last),
        Node::Alt(alts) => alts.iter().all(|a| pinned(a, last)),
        Node::Repeat { body, min, .. } => *min >= 1 && pinned(body, last),
        _ => false,
    }
}

/// True for `.`: every byte but (perhaps) the newline.
fn any_but_newline(set: &ByteSet) -> bool {
    (0..=255u8).all(|b| b == b'\n' || set.contains(b))
}

/// A part that can backtrack catastrophically: an unbounded repeat whose body can
/// match one text in more than one way. Returns the offending repeat's body offsets
/// when known. Only exponential shapes are reported, not the polynomial `.*.*`.
pub fn redos(node: &Node) -> Option<&'static str> {
    let mut stack = vec![(node, false)];
    while let Some((n, atomic)) = stack.pop() {
        match n {
            Node::Repeat {
                body,
                max,
                possessive,
                ..
            } => {
                let atomic = atomic || *possessive;
                if !atomic && max.is_none_or(|m| m > 10) {
                    if let Some(why) = ambiguous_body(body) {
                        return Some(why);
                    }
                }
                stack.push((body, atomic));
            }
            Node::Group { kind, body, .. } => {
                stack.push((body, atomic || *kind == GroupKind::Atomic));
            }
            Node::Concat(items) | Node::Alt(items) => {
                stack.extend(items.iter().map(|i| (i, atomic)));
            }
            _ => {}
        }
    }
    None
}

/// The body's parts once groups that only wrap a sequence are opened.
fn flatten(node: &Node) -> Vec<&Node> {
    match node {
        Node::Concat(items) => items.iter().flat_map(flatten).collect(),
        Node::Group {
            kind: GroupKind::Capture(_) | GroupKind::NonCapture,
            body,
            ..
        } if !matches!(**body, Node::Alt(_)) => flatten(body),
        other => vec![other],
    }
}

/// The alternatives of a body that is one alternation (possibly inside a group).
fn alternatives(node: &Node) -> Option<&[Node]> {
    match node {
        Node::Alt(alts) => Some(alts),
        Node::Group {
            kind: GroupKind::Capture(_) | GroupKind::NonCapture,
            body,
            ..
        } => alternatives(body),
        _ => None,
    }
}

/// Why a repeated body is ambiguous, if it is.
fn ambiguous_body(body: &Node) -> Option<&'static str> {
    let parts = flatten(body);
    for (k, part) in parts.iter().enumerate() {
        let Node::Repeat {
            body: inner,
            max,
            possessive: false,
            ..
        } = part
        else {
            continue;
        };
        if max.is_some_and(|m| m <= 1) || inner.nullable() {
            continue;
        }
        let rest: Vec<&Node> = parts
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != k)
            .map(|(_, p)| *p)
            .collect();
        // `(a+)+`, `(\w+\s?)*`: the rest can be empty, so the inner repeat alone can split
        // a run into iterations in exponentially many ways.
        if rest.iter().all(|p| p.nullable()) {
            return Some("a repeated group whose body is itself a repeat");
        }
        // `(.*,)*`: what the rest requires, the inner repeat can also consume.
        let own = inner.universe();
        if rest
            .iter()
            .filter(|p| !p.nullable())
            .all(|p| p.universe().is_subset(&own))
        {
            return Some("a repeat inside a repeat that can consume what follows it");
        }
    }
    if let Some(alts) = alternatives(body) {
        for (i, a) in alts.iter().enumerate() {
            for b in &alts[i + 1..] {
                if overlapping(a, b) {
                    return Some("repeated alternatives that can match the same text");
                }
            }
        }
    }
    None
}

/// Two alternatives can match the same text (or one a repetition of the other):
/// they can start alike and neither requires a byte the other cannot produce.
fn overlapping(a: &Node, b: &Node) -> bool {
    if a.nullable() || b.nullable() || !a.first().intersects(&b.first()) {
        return false;
    }
    let (ua, ub) = (a.universe(), b.universe());
    let required = |n: &Node, other: &ByteSet| {
        flatten(n)
            .iter()
            .filter(|p| !p.nullable())
            .all(|p| p.universe().intersects(other))
    };
    required(a, &ub) && required(b, &ua)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn anchored(p: &str) -> bool {
        is_anchored(&parse(p, false).expect("parses"))
    }

    #[test]
    fn anchors() {
        assert!(anchored(r"\.php$"));
        assert!(anchored(r"^/api/"));
        assert!(anchored(r"^/a|^/b"));
        assert!(anchored(r"(^/a|\.b$)"));
        assert!(anchored(r"\.php\z"));
        assert!(anchored(r"(?=^/x)/x"));
        assert!(anchored(r"\.(php|phar)$"));
        assert!(!anchored(r"\.php"));
        assert!(!anchored(r"^/a|/b"));
        // A script name, then nothing or PATH_INFO: pinned to a path segment's end.
        assert!(anchored(r"\.php(/|$)"));
        assert!(anchored(r"[^/]\.php(?:$|/)"));
        assert!(!anchored(r"\.php(/|x)"));
        assert!(!anchored(r"\.php(/|$)x"));
        assert!(!anchored(r"\.php(/.*|x)"));
        assert!(anchored(r"(\.php)?$"));
        assert!(!anchored(r"(\.php)?"));
        assert!(anchored(r"(\.php)+$"));
        // `.*` at both edges says "anywhere" in so many words (Pimcore's thumbnail
        // location); at one edge only it pins nothing.
        assert!(anchored(r".*/(image|video)-thumb__\d+__.*"));
        assert!(anchored(r".+/thumb/(.*)"));
        assert!(!anchored(r".+\.php"));
        assert!(!anchored(r".*\.php"));
        assert!(!anchored(r"/fpm/status/(.*)"));
        assert!(!anchored(r"[^/]*\.php[^/]*"));
        assert!(!anchored(r".*\.php(/|.*)x"));
        assert!(!anchored(r"\.php(/|.*)"));
    }

    #[test]
    fn captures_and_nesting() {
        let n = parse(r"^/((.*))/(?<x>a)(?:b)(?=c)", false).expect("parses");
        let mut parents = n.capture_parents();
        parents.sort();
        assert_eq!(parents, vec![(1, None), (2, Some(1)), (3, None)]);
        assert!(n.capture(3).is_some());
        assert!(n.capture(4).is_none());
    }

    #[test]
    fn classes() {
        let n = parse(r"[^/]", false).expect("parses");
        assert!(!n.first().contains(b'/'));
        assert!(n.first().contains(b'.'));
        let n = parse(r"[a-c\d]", false).expect("parses");
        assert!(n.first().contains(b'b') && n.first().contains(b'7'));
        assert!(!n.first().contains(b'd'));
        let n = parse(r"[]a]", false).expect("parses");
        assert!(n.first().contains(b']'));
        assert!(parse(r"[a", false).is_err());
        assert!(parse(r"(a", false).is_err());
        assert!(parse(r"a)", false).is_err());
    }

    #[test]
    fn catastrophic_shapes() {
        for bad in [
            r"^(a+)+$",
            r"^(a|aa)+$",
            r"^/(a|aa|aaa|aaaa)+$",
            r"^(\w+\s?)*$",
            r"^(.*,)*x",
            r"(\w|\d)+$",
            r"^((ab)*)+$",
            r"^(?:[a-z]+)*@",
        ] {
            assert!(
                redos(&parse(bad, false).expect("parses")).is_some(),
                "{bad}"
            );
        }
        for good in [
            r"^/(a+b)+$",
            r"^(\d+\.)+$",
            r"^(foo|foobar)+$",
            r"^(a|ab)+$",
            r"^(?>a+)+$",
            r"^(a++)+$",
            r"\.php$",
            r"^/(.*)/(.*)$",
            r"^(a+){2}$",
        ] {
            assert!(
                redos(&parse(good, false).expect("parses")).is_none(),
                "{good}"
            );
        }
    }

    #[test]
    fn any_pattern_parses_or_is_refused_without_panicking() {
        // A fixed linear congruential sequence over the bytes that matter to the parser.
        const ALPHABET: &[u8] = b"()[]{}|*+?^$.\\-:<>=!'#,0123456789aAbBdDwWsSzZxQEPpkg/ ";
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            state >> 33
        };
        for _ in 0..20_000 {
            let len = (next() % 24) as usize;
            let pattern: String = (0..len)
                .map(|_| char::from(ALPHABET[next() as usize % ALPHABET.len()]))
                .collect();
            for caseless in [false, true] {
                if let Ok(n) = parse(&pattern, caseless) {
                    let _ = (is_anchored(&n), redos(&n), n.capture_parents(), n.first());
                    let _ = (n.universe(), n.nullable(), n.capture(1));
                }
            }
        }
        assert!(parse(r"\x{", false).is_ok());
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        let asserts = format!("{}x", r"\b".repeat(100_000));
        assert!(!is_anchored(&parse(&asserts, false).expect("parses")));
        let deep = "(".repeat(100_000);
        assert!(parse(&deep, false).is_err());
    }

    #[test]
    fn captures_by_number_and_name_and_what_they_can_contain() {
        let can = |pattern: &str, r: CaptureRef<'_>, b: u8| {
            let node = parse(pattern, false).expect("parses");
            node.capture_ref(pattern, r)
                .map(|g| g.universe().contains(b))
        };
        assert_eq!(
            can(r"^/img/(.*\.png)$", CaptureRef::Number(1), b'?'),
            Some(true)
        );
        assert_eq!(
            can(r"^/(a)(?:b)(\d+)", CaptureRef::Number(2), b'?'),
            Some(false)
        );
        assert_eq!(
            can(r"^/n/(?<rest>[^/]+)$", CaptureRef::Name("rest"), b'%'),
            Some(true)
        );
        assert_eq!(
            can(r"^/n/(?P<rest>[^/]+)$", CaptureRef::Name("rest"), b'/'),
            Some(false)
        );
        assert_eq!(
            can(r"^/n/(?'rest'\w+)$", CaptureRef::Number(1), b'/'),
            Some(false)
        );
        assert_eq!(can(r"^/(?<=x)(a)", CaptureRef::Name("x"), b'a'), None);
        assert_eq!(can(r"^/x", CaptureRef::Number(1), b'a'), None);
        assert_eq!(CaptureRef::of_variable("2"), CaptureRef::Number(2));
        assert_eq!(CaptureRef::of_variable("rest"), CaptureRef::Name("rest"));
        let node = parse(r"(a(?<in>b))(c)", false).expect("parses");
        assert_eq!(node.captures(), [(1, 0), (2, 2), (3, 11)]);
        assert_eq!(capture_name(r"(a(?<in>b))(c)", 2), Some("in"));
        assert_eq!(capture_name(r"(a(?<in>b))(c)", 0), None);
        assert_eq!(ByteSet::byte(b'x').single(), Some(b'x'));
        assert_eq!(ByteSet::ALL.single(), None);
        assert_eq!(ByteSet::default().single(), None);
    }
}
