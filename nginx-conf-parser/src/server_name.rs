//! The forms of a `server_name` word, as `ngx_http_core_server_name` and
//! `ngx_hash_add_key` tell them apart. Shared by the hash-size check and the
//! server selection of the rules, which treat the forms differently.

/// What one `server_name` word is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ServerNameForm<'a> {
    /// `example.com` (nginx lower-cases it).
    Exact(&'a str),
    /// `.example.com`: the domain itself and every subdomain; nginx keeps it in the
    /// wildcard hash only.
    DotDomain(&'a str),
    /// `*.example.com`: the part after `*.`.
    Head(&'a str),
    /// `www.example.*`: the part before `.*`.
    Tail(&'a str),
    /// `~regex`: the pattern after `~`.
    Regex(&'a str),
    /// `$hostname`: known only on the machine nginx runs on.
    Variable,
}

/// Classifies one `server_name` word.
pub fn server_name_form(word: &str) -> ServerNameForm<'_> {
    if let Some(re) = word.strip_prefix('~') {
        ServerNameForm::Regex(re)
    } else if word.starts_with('$') {
        ServerNameForm::Variable
    } else if let Some(rest) = word.strip_prefix("*.") {
        ServerNameForm::Head(rest)
    } else if let Some(rest) = word.strip_prefix('.') {
        ServerNameForm::DotDomain(rest)
    } else if let Some(rest) = word.strip_suffix(".*") {
        ServerNameForm::Tail(rest)
    } else {
        ServerNameForm::Exact(word)
    }
}

#[cfg(test)]
mod tests {
    use super::{server_name_form, ServerNameForm::*};

    #[test]
    fn every_form() {
        assert_eq!(server_name_form("a.example"), Exact("a.example"));
        assert_eq!(server_name_form(".example"), DotDomain("example"));
        assert_eq!(server_name_form("*.example"), Head("example"));
        assert_eq!(server_name_form("www.example.*"), Tail("www.example"));
        assert_eq!(server_name_form("~^a$"), Regex("^a$"));
        assert_eq!(server_name_form("$hostname"), Variable);
        assert_eq!(server_name_form(""), Exact(""));
    }
}
