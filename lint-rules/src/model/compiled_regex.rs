//! Regexes of the configuration, compiled once per distinct pattern: thousands of
//! sites share a handful of `location ~ \.php$` patterns, and compiling is far
//! more expensive than matching. PCRE2 is the library nginx links: a pattern
//! matches here exactly what it matches in nginx (`\Q...\E`, possessive
//! quantifiers and the like included).

use std::sync::{Arc, Mutex, OnceLock};

use foldhash::{HashMap, HashMapExt};

use pcre2::bytes::Regex;

type Cache = Mutex<HashMap<String, Option<Arc<Regex>>>>;

fn cache() -> &'static Cache {
    static CACHE: OnceLock<Cache> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(HashMap::new()))
}

/// The most patterns the cache keeps. A tree's regexes are mostly a few shared
/// patterns, but a `map` of 80 000 regex keys is 80 000 distinct ones, each kept with
/// its compiled code and match data for the rest of the run (278 MB at the peak,
/// session 32). Past this many the cache starts over: a pattern asked again is compiled
/// again, with the same result.
pub(crate) const MAX_CACHED: usize = 8192;

/// `pattern` compiled (once per distinct pattern, up to [`MAX_CACHED`] kept); `None`
/// when it does not compile. For a caller that matches one pattern many times: it skips
/// the shared cache's lock.
pub fn compile(pattern: &str) -> Option<Arc<Regex>> {
    let mut cache = cache().lock().unwrap_or_else(|e| e.into_inner());
    // Looked up by `&str` first: the entry API would copy the pattern on every match.
    match cache.get(pattern) {
        Some(compiled) => compiled.clone(),
        None => {
            let compiled = Regex::new(pattern).ok().map(Arc::new);
            if cache.len() >= MAX_CACHED {
                cache.clear();
            }
            cache.insert(pattern.to_string(), compiled.clone());
            compiled
        }
    }
}

/// How many patterns the cache holds (for the test that bounds it).
#[cfg(test)]
fn cached() -> usize {
    cache().lock().unwrap_or_else(|e| e.into_inner()).len()
}

/// True when `pattern` (PCRE syntax as nginx takes it) matches `text`; a pattern
/// that does not compile matches nothing (the load checks report it).
pub fn is_match(pattern: &str, text: &str) -> bool {
    compile(pattern).is_some_and(|r| is_match_remembered(&r, text))
}

/// Whether `regex` matches `text`, each answer remembered per thread: thousands of servers
/// share a few regexes (`\.php$`, the static-files one) and rules ask each the same few
/// URIs (`/index.php`, `/x.php`) in every server, where a PCRE2 match costs about a
/// thousand instructions and a lookup a tenth of that. The regex is kept with its
/// answers, so that its address names it for as long as they are kept.
pub fn is_match_remembered(regex: &Arc<Regex>, text: &str) -> bool {
    type Answers = HashMap<Box<str>, bool>;
    type Known = HashMap<usize, (Arc<Regex>, Answers)>;
    thread_local! {
        static KNOWN: std::cell::RefCell<Known> = std::cell::RefCell::new(HashMap::new());
    }
    /// Regexes, and answers per regex, kept per thread: past either the list starts over.
    /// A kept regex stays alive with its answers (after the compile cache may have let it
    /// go): 1 024 per thread cost 2 to 6 MiB of peak RSS on the shapes of thousands of
    /// distinct regexes; a tree's shared regexes are a handful.
    const MAX_REGEXES: usize = 256;
    const MAX_ANSWERS: usize = 1024;
    /// Longer texts are matched, not kept: the texts asked again are short URIs, and a
    /// kept copy of a long one (a 10-MB line is input too) would be memory for nothing.
    const MAX_TEXT: usize = 256;
    if text.len() > MAX_TEXT {
        return regex.is_match(text.as_bytes()).unwrap_or(false);
    }
    let key = Arc::as_ptr(regex) as usize;
    KNOWN.with(|known| {
        if let Some(&hit) = known
            .borrow()
            .get(&key)
            .and_then(|(_, answers)| answers.get(text))
        {
            return hit;
        }
        let found = regex.is_match(text.as_bytes()).unwrap_or(false);
        let mut known = known.borrow_mut();
        if known.len() >= MAX_REGEXES && !known.contains_key(&key) {
            known.clear();
        }
        let (_, answers) = known
            .entry(key)
            .or_insert_with(|| (regex.clone(), Answers::new()));
        if answers.len() >= MAX_ANSWERS {
            answers.clear();
        }
        answers.insert(text.into(), found);
        found
    })
}

/// The literal text every match of `pattern` begins with at the start of the subject
/// (`^/s12/` → `/s12/`, `^/api/v1/(.*)$` → `/api/v1/`), read conservatively: the
/// pattern starts with `^` (so no inline option such as `(?i)` or `(?x)` comes first),
/// has no `|` anywhere (an alternative would not be anchored), and the run stops at the
/// first character with a meaning (a backslash included); a character followed by `?`,
/// `*` or `{` may be absent and is left out. `None` when no such text is known.
pub fn anchored_literal(pattern: &str) -> Option<&str> {
    let rest = pattern.strip_prefix('^')?;
    if pattern.contains('|') {
        return None;
    }
    Some(leading_literal(rest)).filter(|l| !l.is_empty())
}

/// The plain text a regex (the part after its `^`) opens with: the run up to the first
/// character with a meaning (a backslash included), less its last character when `?`,
/// `*` or `{` follows (that one may be absent).
///
/// ```
/// use lint_rules::model::compiled_regex::leading_literal;
/// assert_eq!(leading_literal("/api/v1/(.*)$"), "/api/v1/");
/// assert_eq!(leading_literal("/s12?/"), "/s1");
/// assert_eq!(leading_literal(r"\.php$"), "");
/// ```
pub fn leading_literal(rest: &str) -> &str {
    let end = rest
        .find(|c: char| "\\.^$|?*+()[]{}".contains(c))
        .unwrap_or(rest.len());
    let literal = &rest[..end];
    if rest[end..].starts_with(['?', '*', '{']) {
        let last = literal.char_indices().last().map_or(0, |(i, _)| i);
        return &literal[..last];
    }
    literal
}

/// Regexes tried in order for the first that matches a text (nginx's regex locations,
/// a rule's list of PHP locations). Trying each one costs a PCRE2 match, and rules ask
/// one distinct URI per location (`/app12/index.php`): a server of 4 000 regex
/// locations took 4 000 × 4 000 matches (NGX208 and NGX224 together 15 s). A regex
/// anchored on a literal start ([`anchored_literal`]) can only match a text that starts
/// with it, so those are filed by their start and only the ones whose start begins the
/// text are tried, in their order among the others. The answer is the same as trying
/// every regex in order.
#[derive(Clone, Debug, Default)]
pub struct FirstMatch {
    /// The caller's id of each regex and the regex, in order.
    entries: Vec<(usize, Arc<Regex>)>,
    /// Positions in `entries` of the regexes without a known start.
    unanchored: Vec<usize>,
    /// Positions in `entries` by literal start.
    by_start: HashMap<String, Vec<usize>>,
    /// The longest literal start (texts are looked up by their prefixes up to it).
    longest_start: usize,
}

impl FirstMatch {
    /// Adds `regex`, compiled from `pattern`, after the ones added so far.
    pub fn push(&mut self, id: usize, pattern: &str, regex: Arc<Regex>) {
        let at = self.entries.len();
        self.entries.push((id, regex));
        match anchored_literal(pattern) {
            Some(start) => {
                self.longest_start = self.longest_start.max(start.len());
                self.by_start.entry(start.to_string()).or_default().push(at);
            }
            None => self.unanchored.push(at),
        }
    }

    /// The number of regexes added.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether none was added.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The positions (in order) of the regexes that could match `text`.
    fn candidates(&self, text: &str) -> Vec<usize> {
        let mut anchored: Vec<usize> = (1..=self.longest_start.min(text.len()))
            .filter(|&k| text.is_char_boundary(k))
            .filter_map(|k| self.by_start.get(&text[..k]))
            .flatten()
            .copied()
            .collect();
        if anchored.is_empty() {
            return self.unanchored.clone();
        }
        anchored.extend_from_slice(&self.unanchored);
        anchored.sort_unstable();
        anchored
    }

    /// The id of the first regex (in the order added) that matches `text`, and how many
    /// regexes were tried.
    pub fn first_counted(&self, text: &str) -> (Option<usize>, usize) {
        let mut tried = 0;
        for at in self.candidates(text) {
            let (id, regex) = &self.entries[at];
            tried += 1;
            if is_match_remembered(regex, text) {
                return (Some(*id), tried);
            }
        }
        (None, tried)
    }

    /// The id of the first regex (in the order added) that matches `text`.
    pub fn first(&self, text: &str) -> Option<usize> {
        self.first_counted(text).0
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn compiled_once_and_reused() {
        assert!(super::is_match(r"\.php$", "/index.php"));
        assert!(!super::is_match(r"\.php$", "/index.html"));
        assert!(!super::is_match("(unclosed", "x"));
        assert!(super::is_match(r"^/\Q.well-known\E/", "/.well-known/x"));
        assert!(!super::is_match(r"^/\Q.well-known\E/", "/xwell-known/x"));
    }

    /// Distinct patterns past the cache's size do not pile up in it (a `map` of 80 000
    /// regex keys kept every one compiled), and a pattern compiled again after the cache
    /// started over answers as before.
    #[test]
    fn the_cache_keeps_a_bounded_number_of_patterns() {
        for i in 0..2 * super::MAX_CACHED + 5 {
            assert!(super::compile(&format!("^/bounded{i}/(?<x>.*)$")).is_some());
            assert!(super::cached() <= super::MAX_CACHED);
        }
        assert!(super::is_match("^/bounded0/(?<x>.*)$", "/bounded0/a"));
        assert!(!super::is_match("^/bounded0/(?<x>.*)$", "/bounded1/a"));
        assert!(super::cached() <= super::MAX_CACHED);
    }

    /// A remembered answer is the match's, for texts past the number kept per regex and
    /// for two regexes asked the same text.
    #[test]
    fn remembered_answers_are_the_matches() {
        let php = super::compile(r"\.php$").expect("compiles");
        let app = super::compile(r"^/app\d+/").expect("compiles");
        for round in 0..2 {
            for i in 0..(super::MAX_CACHED / 4) {
                let text = if i % 3 == 0 {
                    format!("/app{i}/index.php")
                } else {
                    format!("/static{i}/x.css")
                };
                let direct = php.is_match(text.as_bytes()).unwrap_or(false);
                assert_eq!(
                    super::is_match_remembered(&php, &text),
                    direct,
                    "{round} {text}"
                );
                let direct = app.is_match(text.as_bytes()).unwrap_or(false);
                assert_eq!(
                    super::is_match_remembered(&app, &text),
                    direct,
                    "{round} {text}"
                );
            }
        }
        assert!(super::is_match_remembered(&php, "/index.php"));
        assert!(!super::is_match_remembered(&app, "/index.php"));
        let long = format!("/{}.php", "a".repeat(1000));
        assert!(super::is_match_remembered(&php, &long));
        assert!(!super::is_match_remembered(&app, &long));
    }

    #[test]
    fn anchored_literal_is_a_start_every_match_has() {
        use super::anchored_literal as lit;
        assert_eq!(lit("^/s12/"), Some("/s12/"));
        assert_eq!(lit("^/api/v1/(.*)$"), Some("/api/v1/"));
        assert_eq!(lit("^/ab?c"), Some("/a"));
        assert_eq!(lit("^/ab*"), Some("/a"));
        assert_eq!(lit("^/ab{0,2}"), Some("/a"));
        assert_eq!(lit("^/ab+"), Some("/ab"));
        assert_eq!(lit("^/a\\.php"), Some("/a"));
        assert_eq!(lit("^/a|/b"), None);
        assert_eq!(lit("(?i)^/a"), None);
        assert_eq!(lit("\\.php$"), None);
        assert_eq!(lit("/a/"), None);
        assert_eq!(lit("^(/a)"), None);
        assert_eq!(lit("^é?"), None);
    }

    /// The first match is the one trying every regex in order finds, and a text is
    /// tried only against the regexes whose literal start begins it (a count, not a
    /// time: 4 000 app folders once cost 4 000 matches per URI).
    #[test]
    fn first_match_tries_only_the_regexes_that_could_match() {
        let patterns: Vec<String> = (0..4000)
            .map(|i| format!("^/s{i}/"))
            .chain(["\\.php$".to_string(), "^/s1/x".to_string()])
            .collect();
        let mut set = super::FirstMatch::default();
        for (id, p) in patterns.iter().enumerate() {
            set.push(id, p, super::compile(p).expect("compiles"));
        }
        let by_scan = |text: &str| patterns.iter().position(|p| super::is_match(p, text));
        for text in [
            "/s1/x",
            "/s3999/index.php",
            "/s40/",
            "/index.php",
            "/t",
            "/s1",
        ] {
            assert_eq!(set.first(text), by_scan(text), "{text}");
        }
        // `/s1/x`: `^/s1/` only; `/s3999/index.php`: `^/s3999/` only (it matches first);
        // `/index.php`: `\.php$` only.
        assert_eq!(set.first_counted("/s1/x").1, 1);
        assert_eq!(set.first_counted("/s3999/index.php").1, 1);
        assert_eq!(set.first_counted("/index.php").1, 1);
        assert_eq!(set.first_counted("/t").1, 1);
    }
}
