//! What the strings a PCRE pattern matches can hold, for the security rules that
//! follow request data through regexes: which bytes a capture group lets the client
//! choose, which bytes every match contains, and sample matches to probe.
//!
//! Patterns are read with regex-syntax's HIR after rewriting the PCRE forms nginx
//! accepts and regex-syntax does not (possessive quantifiers, atomic groups,
//! `(?'name')`, `\Q..\E`, `\h`, `\R`, escaped punctuation). A pattern that still does
//! not parse (lookaround, backreferences) gives `None`: callers stay silent rather
//! than guess. Only ASCII is tracked: the bytes the rules ask about (CR, LF, `.`,
//! `/`) are ASCII.

use foldhash::{HashMap, HashMapExt};
use std::sync::{Arc, Mutex, OnceLock};

use regex_syntax::hir::{Class, Hir, HirKind, Look};

/// A set of ASCII bytes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Bytes(u128);

impl Bytes {
    /// No byte.
    pub const NONE: Bytes = Bytes(0);
    /// Every ASCII byte.
    pub const ALL: Bytes = Bytes(u128::MAX);

    /// The bytes `lo..=hi` (clamped to ASCII).
    pub fn range(lo: u8, hi: u8) -> Bytes {
        let mut set = Bytes::NONE;
        for b in lo..=hi.min(127) {
            set = set.with(b);
        }
        set
    }

    /// This set and `b`.
    pub fn with(self, b: u8) -> Bytes {
        if b < 128 {
            Bytes(self.0 | (1u128 << b))
        } else {
            self
        }
    }

    /// This set without `b`.
    pub fn without(self, b: u8) -> Bytes {
        if b < 128 {
            Bytes(self.0 & !(1u128 << b))
        } else {
            self
        }
    }

    /// True when `b` is in the set.
    pub fn has(self, b: u8) -> bool {
        b < 128 && self.0 & (1u128 << b) != 0
    }

    /// Bytes in either set.
    pub fn or(self, other: Bytes) -> Bytes {
        Bytes(self.0 | other.0)
    }

    /// Bytes in both sets.
    pub fn and(self, other: Bytes) -> Bytes {
        Bytes(self.0 & other.0)
    }

    /// The single byte of a one-byte set.
    fn single(self) -> Option<u8> {
        (self.0.count_ones() == 1).then(|| self.0.trailing_zeros() as u8)
    }

    /// The ASCII bytes of `text`.
    pub fn of(text: &[u8]) -> Bytes {
        text.iter().fold(Bytes::NONE, |s, b| s.with(*b))
    }
}

/// What the strings of a pattern (or a piece of it) hold.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Reach {
    /// Bytes a client can choose: those a class or `.` matches. Literal text of the
    /// pattern is not counted: `(ab|cd)` captures nothing the client chooses
    /// (single-byte alternatives `(a|b)` read as the class `[ab]` and count).
    pub can: Bytes,
    /// Bytes every match contains.
    pub must: Bytes,
}

/// A parsed pattern.
#[derive(Debug)]
pub struct Pattern {
    hir: Hir,
}

type Cache = Mutex<HashMap<String, Option<Arc<Pattern>>>>;

fn cache() -> &'static Cache {
    static CACHE: OnceLock<Cache> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(HashMap::new()))
}

/// The most patterns [`parse_cached`] keeps: a `map` of 80 000 regex keys otherwise
/// kept every parsed key for the rest of the run. Past this many the cache starts over
/// (a pattern asked again is parsed again, with the same result).
pub(crate) const MAX_CACHED: usize = 8192;

/// [`parse`], once per distinct pattern (up to [`MAX_CACHED`] kept): thousands of sites
/// share a handful of patterns, and parsing allocates far more than a lookup.
pub fn parse_cached(pattern: &str) -> Option<Arc<Pattern>> {
    let mut cache = cache().lock().unwrap_or_else(|e| e.into_inner());
    if let Some(hit) = cache.get(pattern) {
        return hit.clone();
    }
    let parsed = parse(pattern).map(Arc::new);
    if cache.len() >= MAX_CACHED {
        cache.clear();
    }
    cache.insert(pattern.to_string(), parsed.clone());
    parsed
}

/// Parses a PCRE pattern as nginx takes it (`None` when it cannot be read).
pub fn parse(pattern: &str) -> Option<Pattern> {
    let rust = to_rust_syntax(pattern)?;
    let hir = regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .nest_limit(100)
        .build()
        .parse(&rust)
        .ok()?;
    Some(Pattern { hir })
}

impl Pattern {
    /// What the whole pattern's matches hold.
    pub fn reach(&self) -> Reach {
        reach(&self.hir)
    }

    /// What capture group `group` holds: `"1"` by number, else by name.
    pub fn group(&self, group: &str) -> Option<Reach> {
        let wanted: Option<u32> = group.parse().ok();
        let mut stack = vec![&self.hir];
        while let Some(h) = stack.pop() {
            match h.kind() {
                HirKind::Capture(c) => {
                    let hit = match wanted {
                        Some(n) => c.index == n,
                        None => c.name.as_deref() == Some(group),
                    };
                    if hit {
                        return Some(reach(&c.sub));
                    }
                    stack.push(&c.sub);
                }
                HirKind::Repetition(r) => stack.push(&r.sub),
                HirKind::Concat(v) | HirKind::Alternation(v) => stack.extend(v.iter()),
                _ => {}
            }
        }
        None
    }

    /// Sample matches, as gixy's generator makes them: classes give `wildcard` when
    /// they can, repetitions give nothing or `min(max, 5)` copies, every alternative
    /// is taken. `^` and `$` are kept where they anchor the sample; samples with an
    /// anchor inside are impossible and dropped. At most `limit` samples.
    pub fn samples(&self, wildcard: u8, limit: usize) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        for s in generate(&self.hir, wildcard, limit) {
            let start = s.iter().take_while(|b| **b == BEGIN).count();
            let end = s.len() - s[start..].iter().rev().take_while(|b| **b == END).count();
            let body = &s[start..end];
            if body.contains(&BEGIN) || body.contains(&END) {
                continue;
            }
            let mut v = Vec::with_capacity(body.len() + 2);
            if start > 0 {
                v.push(b'^');
            }
            v.extend_from_slice(body);
            if end < s.len() {
                v.push(b'$');
            }
            out.push(v);
        }
        out
    }
}

fn class_bytes(class: &Class) -> Bytes {
    let mut set = Bytes::NONE;
    match class {
        Class::Bytes(c) => {
            for r in c.ranges() {
                if r.start() < 128 {
                    set = set.or(Bytes::range(r.start(), r.end()));
                }
            }
        }
        Class::Unicode(c) => {
            for r in c.ranges() {
                let (lo, hi) = (u32::from(r.start()), u32::from(r.end()));
                if lo < 128 {
                    set = set.or(Bytes::range(lo as u8, hi.min(127) as u8));
                }
            }
        }
    }
    set
}

fn reach(hir: &Hir) -> Reach {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => Reach::default(),
        HirKind::Literal(l) => Reach {
            can: Bytes::NONE,
            must: Bytes::of(&l.0),
        },
        HirKind::Class(c) => {
            let set = class_bytes(c);
            Reach {
                can: set,
                must: set.single().map_or(Bytes::NONE, |b| Bytes::NONE.with(b)),
            }
        }
        HirKind::Repetition(r) => {
            if r.max == Some(0) {
                return Reach::default();
            }
            let sub = reach(&r.sub);
            Reach {
                can: sub.can,
                must: if r.min >= 1 { sub.must } else { Bytes::NONE },
            }
        }
        HirKind::Capture(c) => reach(&c.sub),
        HirKind::Concat(v) => v.iter().map(reach).fold(Reach::default(), |a, b| Reach {
            can: a.can.or(b.can),
            must: a.must.or(b.must),
        }),
        HirKind::Alternation(v) => {
            let mut it = v.iter().map(reach);
            let first = it.next().unwrap_or_default();
            it.fold(first, |a, b| Reach {
                can: a.can.or(b.can),
                must: a.must.and(b.must),
            })
        }
    }
}

/// Stand-ins for `^` and `$` while generating (bytes no sample produces otherwise).
const BEGIN: u8 = 0x00;
const END: u8 = 0x7f;

/// The byte a class contributes to a sample: the wildcard when the class has it, else
/// a lower-case letter, a digit, or its first printable byte.
fn pick(set: Bytes, wildcard: u8) -> Option<u8> {
    if set.has(wildcard) {
        return Some(wildcard);
    }
    (b'a'..=b'z')
        .chain(b'0'..=b'9')
        .chain(0x21..0x7f)
        .chain(0x01..0x21)
        .find(|b| set.has(*b))
}

fn generate(hir: &Hir, wildcard: u8, limit: usize) -> Vec<Vec<u8>> {
    match hir.kind() {
        HirKind::Empty => vec![Vec::new()],
        HirKind::Literal(l) => vec![l.0.to_vec()],
        HirKind::Class(c) => match pick(class_bytes(c), wildcard) {
            Some(b) => vec![vec![b]],
            None => Vec::new(),
        },
        HirKind::Look(look) => match look {
            Look::Start | Look::StartLF | Look::StartCRLF => vec![vec![BEGIN]],
            Look::End | Look::EndLF | Look::EndCRLF => vec![vec![END]],
            _ => vec![Vec::new()],
        },
        HirKind::Repetition(r) => {
            let mut out = Vec::new();
            if r.min == 0 {
                out.push(Vec::new());
            }
            if r.max == Some(0) {
                return out;
            }
            let times = r.max.unwrap_or(u32::MAX).min(5) as usize;
            for s in generate(&r.sub, wildcard, limit) {
                if out.len() >= limit {
                    break;
                }
                out.push(s.repeat(times));
            }
            out
        }
        HirKind::Capture(c) => generate(&c.sub, wildcard, limit),
        HirKind::Concat(v) => {
            let mut acc: Vec<Vec<u8>> = vec![Vec::new()];
            for part in v {
                let options = generate(part, wildcard, limit);
                let mut next = Vec::new();
                'outer: for a in &acc {
                    for o in &options {
                        if next.len() >= limit {
                            break 'outer;
                        }
                        let mut s = a.clone();
                        s.extend_from_slice(o);
                        next.push(s);
                    }
                }
                acc = next;
            }
            acc
        }
        HirKind::Alternation(v) => {
            let mut out = Vec::new();
            for part in v {
                for s in generate(part, wildcard, limit) {
                    if out.len() >= limit {
                        return out;
                    }
                    out.push(s);
                }
            }
            out
        }
    }
}

/// Rewrites the PCRE forms nginx accepts into regex-syntax's syntax, or `None` for
/// forms it has no equivalent for (lookaround, backreferences, `\G`, `\K`).
fn to_rust_syntax(pattern: &str) -> Option<String> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::with_capacity(pattern.len() + 8);
    let mut i = 0;
    let mut in_class = false;
    // True right after a quantifier: a `+` there makes it possessive (dropped: the
    // strings matched are the same for the questions asked here).
    let mut after_quantifier = false;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' {
            after_quantifier = false;
            let e = *chars.get(i + 1)?;
            i += 2;
            match e {
                'Q' => {
                    while i < chars.len() {
                        if chars[i] == '\\' && chars.get(i + 1) == Some(&'E') {
                            i += 2;
                            break;
                        }
                        out.push_str(&format!("\\x{{{:X}}}", chars[i] as u32));
                        i += 1;
                    }
                }
                'E' => {}
                'h' => out.push_str(if in_class { " \\t" } else { "[ \\t]" }),
                'H' if !in_class => out.push_str("[^ \\t]"),
                'R' if !in_class => out.push_str("(?:\\r\\n|\\n|\\r)"),
                'v' => out.push_str(if in_class {
                    "\\n\\x0B\\f\\r"
                } else {
                    "[\\n\\x0B\\f\\r]"
                }),
                'Z' if !in_class => out.push_str("\\z"),
                'e' => out.push_str("\\x1B"),
                'a' => out.push_str("\\x07"),
                'd' | 'D' | 'w' | 'W' | 's' | 'S' | 'n' | 'r' | 't' | 'f' | 'x' => {
                    out.push('\\');
                    out.push(e);
                }
                'b' | 'B' | 'A' | 'z' if !in_class => {
                    out.push('\\');
                    out.push(e);
                }
                '0' => out.push_str("\\x00"),
                e if e.is_ascii_alphanumeric() => return None,
                e if e.is_ascii() => out.push_str(&format!("\\x{:02X}", e as u32)),
                e => out.push(e),
            }
            continue;
        }
        if in_class {
            if c == ']' {
                in_class = false;
            } else if c == '[' && chars.get(i + 1) != Some(&':') {
                // A `[` inside a PCRE class is a plain member; regex-syntax nests classes.
                out.push_str("\\[");
                i += 1;
                continue;
            } else if c == '&' || c == '~' {
                // `&&` and `~~` are set operations in regex-syntax, members in PCRE.
                out.push_str(&format!("\\x{:02X}", c as u32));
                i += 1;
                continue;
            }
            out.push(c);
            i += 1;
            continue;
        }
        match c {
            '[' => {
                in_class = true;
                out.push('[');
                i += 1;
                if chars.get(i) == Some(&'^') {
                    out.push('^');
                    i += 1;
                }
                if chars.get(i) == Some(&']') {
                    out.push_str("\\]");
                    i += 1;
                }
                after_quantifier = false;
                continue;
            }
            '(' if chars.get(i + 1) == Some(&'?') => {
                let rest: String = chars[i + 2..].iter().take(3).collect();
                if rest.starts_with('>') {
                    out.push_str("(?:");
                    i += 3;
                } else if rest.starts_with('\'') {
                    let end = chars[i + 3..].iter().position(|c| *c == '\'')?;
                    let name: String = chars[i + 3..i + 3 + end].iter().collect();
                    out.push_str(&format!("(?P<{name}>"));
                    i += 4 + end;
                } else if rest.starts_with('#') {
                    let end = chars[i..].iter().position(|c| *c == ')')?;
                    i += end + 1;
                } else if rest.starts_with('=')
                    || rest.starts_with('!')
                    || rest.starts_with("<=")
                    || rest.starts_with("<!")
                    || rest.starts_with('|')
                {
                    return None;
                } else {
                    out.push_str("(?");
                    i += 2;
                }
                after_quantifier = false;
                continue;
            }
            '+' if after_quantifier => {
                after_quantifier = false;
                i += 1;
                continue;
            }
            '*' | '+' | '?' => {
                out.push(c);
                // `*?` is lazy, `*+` possessive: either way the next byte is not a quantifier.
                after_quantifier = !matches!(chars.get(i + 1), Some('?'));
                i += 1;
                if chars.get(i) == Some(&'?') {
                    out.push('?');
                    i += 1;
                }
                continue;
            }
            '{' => {
                let close = chars[i..].iter().position(|c| *c == '}');
                let inner: Option<String> = close.map(|e| chars[i + 1..i + e].iter().collect());
                let is_quantifier = inner.as_deref().is_some_and(|s| {
                    let (a, b) = s.split_once(',').unwrap_or((s, "0"));
                    !a.is_empty()
                        && a.bytes().all(|b| b.is_ascii_digit())
                        && b.bytes().all(|b| b.is_ascii_digit())
                });
                if let (true, Some(e)) = (is_quantifier, close) {
                    out.extend(&chars[i..=i + e]);
                    i += e + 1;
                    after_quantifier = true;
                    if chars.get(i) == Some(&'?') {
                        out.push('?');
                        i += 1;
                        after_quantifier = false;
                    }
                } else {
                    out.push_str("\\{");
                    i += 1;
                    after_quantifier = false;
                }
                continue;
            }
            '}' => out.push_str("\\}"),
            '#' | ' ' => out.push_str(&format!("\\x{:02X}", c as u32)),
            _ => out.push(c),
        }
        after_quantifier = false;
        i += 1;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Distinct patterns past the cache's size do not pile up in it, and a pattern
    /// parsed again after the cache started over reads as before.
    #[test]
    fn the_cache_keeps_a_bounded_number_of_patterns() {
        let held = || cache().lock().unwrap_or_else(|e| e.into_inner()).len();
        let first = parse_cached("^/bounded0/(?<x>[a-z]+)$").map(|p| p.group("x"));
        for i in 0..2 * MAX_CACHED + 5 {
            assert!(parse_cached(&format!("^/bounded{i}/(?<x>[a-z]+)$")).is_some());
            assert!(held() <= MAX_CACHED);
        }
        let again = parse_cached("^/bounded0/(?<x>[a-z]+)$").map(|p| p.group("x"));
        assert!(first.is_some_and(|g| g.is_some()));
        assert_eq!(first, again);
    }

    fn group(p: &str, g: &str) -> Reach {
        parse(p)
            .unwrap_or_else(|| panic!("{p} parses"))
            .group(g)
            .unwrap_or_else(|| panic!("{p} has group {g}"))
    }

    #[test]
    fn groups_by_number_and_name() {
        let r = group(r"^/proxy/(a|b)/(\W*)$", "2");
        assert!(r.can.has(b'\n') && r.can.has(b'\r') && !r.can.has(b'a'));
        let r = group(r"^/proxy/(ab|cd)/(\W*)$", "1");
        assert_eq!(
            r.can,
            Bytes::NONE,
            "literal alternatives are not chosen by the client"
        );
        let r = group(r"/(?<p>.*)$", "p");
        assert!(
            r.can.has(b'\r') && !r.can.has(b'\n'),
            ". stops at LF, as in PCRE"
        );
        let r = group(r"/(?P<p>[^/]+)/(?'q'x)", "q");
        assert_eq!(r.must, Bytes::NONE.with(b'x'));
        assert!(parse(r"/(?P<p>[^/]+)").is_some_and(|p| p.group("3").is_none()));
    }

    #[test]
    fn must_contain_follows_alternatives_and_repeats() {
        let p = parse(r"^(/a|/b)x?(y)+").expect("parses");
        let r = p.reach();
        assert!(r.must.has(b'/') && r.must.has(b'y') && !r.must.has(b'x'));
        assert!(!parse("(/a|b)").expect("parses").reach().must.has(b'/'));
    }

    #[test]
    fn pcre_only_forms() {
        assert!(parse(r"^https://(?>www\.)example\.com/").is_some());
        assert!(parse(r"^https://(www\.)*+example\.com$").is_some());
        assert!(parse(r"^\Q.well-known\E/\/x{2}\h").is_some());
        assert!(
            parse(r"a{,x}").is_some(),
            "a brace that is no quantifier is a literal"
        );
        assert!(parse(r"(?=x)y").is_none());
        assert!(parse(r"(a)\1").is_none());
        assert!(parse(r"[a&&b~~c[]").is_some());
        assert!(parse("(unclosed").is_none());
    }

    #[test]
    fn samples_place_the_wildcard_and_anchors() {
        let p = parse(r"^https?://([^/]+\.)?example\.com$").expect("parses");
        let s: Vec<String> = p
            .samples(b'`', 64)
            .into_iter()
            .map(|s| String::from_utf8_lossy(&s).into_owned())
            .collect();
        assert!(s.contains(&"^https://example.com$".to_string()), "{s:?}");
        assert!(
            s.contains(&"^http://`````.example.com$".to_string()),
            "{s:?}"
        );
        let p = parse(r"^https?://example\.com($|/)(.*)").expect("parses");
        let s = p.samples(b'`', 64);
        assert!(
            s.iter().all(|s| !s[1..s.len() - 1].contains(&b'$')),
            "no anchor inside a sample"
        );
    }
}
