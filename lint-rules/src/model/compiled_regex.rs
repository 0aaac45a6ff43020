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

/// `pattern` compiled (once per distinct pattern); `None` when it does not compile.
/// For a caller that matches one pattern many times: it skips the shared cache's lock.
pub fn compile(pattern: &str) -> Option<Arc<Regex>> {
    let mut cache = cache().lock().unwrap_or_else(|e| e.into_inner());
    // Looked up by `&str` first: the entry API would copy the pattern on every match.
    match cache.get(pattern) {
        Some(compiled) => compiled.clone(),
        None => {
            let compiled = Regex::new(pattern).ok().map(Arc::new);
            cache.insert(pattern.to_string(), compiled.clone());
            compiled
        }
    }
}

/// True when `pattern` (PCRE syntax as nginx takes it) matches `text`; a pattern
/// that does not compile matches nothing (the load checks report it).
pub fn is_match(pattern: &str, text: &str) -> bool {
    compile(pattern).is_some_and(|r| r.is_match(text.as_bytes()).unwrap_or(false))
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
}
