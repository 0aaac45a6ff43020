//! Templates a start script renders with `envsubst` before nginx reads them (the official
//! image's `/etc/nginx/templates/*.template`, an entrypoint of a repository's own): their
//! `${NAME}` placeholders are not nginx variables.

use std::path::Path;

/// Whether a file is such a template, by its name on disk (`site.conf.template`, `.tmpl`,
/// `.tpl`).
///
/// ```
/// use std::path::Path;
/// use nginx_conf_parser::envsubst::is_template_path;
/// assert!(is_template_path(Path::new("templates/default.conf.template")));
/// assert!(!is_template_path(Path::new("conf.d/default.conf")));
/// ```
pub fn is_template_path(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e == "template" || e == "tmpl" || e == "tpl")
}

/// `${NAME}` with an upper-case name: envsubst's placeholder, replaced by the environment
/// before nginx reads the file (nginx's own variables are written in lower case).
///
/// ```
/// use nginx_conf_parser::envsubst::is_placeholder;
/// assert!(is_placeholder("${NGINX_PHP_CGI}"));
/// assert!(!is_placeholder("${upstream}"));
/// assert!(!is_placeholder("$PHP_HOST"));
/// ```
pub fn is_placeholder(reference: &str) -> bool {
    reference
        .strip_prefix("${")
        .and_then(|r| r.strip_suffix('}'))
        .is_some_and(|name| {
            name.bytes().any(|b| b.is_ascii_uppercase())
                && name
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
        })
}

/// Whether every `$` of `value` starts a placeholder ([`is_placeholder`]) and there is at
/// least one: `${PHP_HOST}:${PHP_PORT}` is an address once rendered, `$host:9000` and
/// `${PHP_HOST}$request_uri` keep an nginx variable.
///
/// ```
/// use nginx_conf_parser::envsubst::only_placeholders;
/// assert!(only_placeholders("${FASTCGI_HOST}:9000"));
/// assert!(only_placeholders("${PHP_HOST}:${PHP_PORT}"));
/// assert!(!only_placeholders("${FASTCGI_HOST}$uri"));
/// assert!(!only_placeholders("php:9000"));
/// ```
pub fn only_placeholders(value: &str) -> bool {
    let mut rest = value;
    let mut found = false;
    while let Some(i) = rest.find('$') {
        let after = &rest[i..];
        let Some(end) = after.find('}') else {
            return false;
        };
        if !is_placeholder(&after[..=end]) {
            return false;
        }
        found = true;
        rest = &after[end + 1..];
    }
    found
}
