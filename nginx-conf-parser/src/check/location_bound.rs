//! Directives whose value nginx refuses in some kinds of location, checked when it reads
//! them: `proxy_pass` with a URI part in a regex or named location, an `if` or a
//! `limit_except` block (`ngx_http_proxy_pass`: nginx cannot tell which part of the
//! request URI the URI part replaces), and `alias` in a named location
//! (`ngx_http_core_root`: a named location has no prefix to replace).

use lint_source::Diagnostic;

use super::codes::INVALID_VALUE;
use super::{location_name, LocationKind};
use crate::config::Item;

/// nginx's message for a `proxy_pass` with a URI part where it is not allowed.
const PROXY_URI: &str = "\"proxy_pass\" cannot have URI part in location given by regular expression, or inside named location, or inside \"if\" statement, or inside \"limit_except\" block";

/// The finding for `item` read in `context` (`if_location`, `limit_except`, ...), in the
/// block of `location` when the block is a location's.
pub(super) fn check(
    item: &Item<'_>,
    context: &str,
    location: Option<&Item<'_>>,
) -> Option<Diagnostic> {
    let kind = location.and_then(location_name).map(|(kind, _)| kind);
    if item.is("proxy_pass") {
        let restricted = matches!(context, "if_location" | "limit_except")
            || matches!(kind, Some(LocationKind::Regex | LocationKind::Named));
        let uri = restricted.then(|| item.arg(0)).flatten();
        let uri = uri.as_deref().and_then(uri_part)?;
        return Some(
            Diagnostic::new(&INVALID_VALUE, item.arg_span(0), PROXY_URI)
                .with_label(format!("URI part `{uri}`"))
                .with_help(match context {
                    "if_location" | "limit_except" => {
                        "drop the URI part (`proxy_pass http://backend;`), or rewrite the URI before passing it"
                    }
                    _ => {
                        "drop the URI part (`proxy_pass http://backend;` passes the request URI as it is), or set it with `rewrite ... break;` before proxy_pass"
                    }
                }),
        );
    }
    if item.is("alias") && kind == Some(LocationKind::Named) {
        return Some(
            Diagnostic::new(
                &INVALID_VALUE,
                item.name_span(),
                "the \"alias\" directive cannot be used inside the named location",
            )
            .with_help("use `root` in a named location (it has no prefix for alias to replace)"),
        );
    }
    None
}

/// The URI part of a `proxy_pass` URL without variables, as `ngx_parse_url` splits it
/// (`/` in `http://127.0.0.1/`; what follows the socket path's `:` for `unix:`); `None`
/// when there is none or the URL has variables (then nginx checks nothing at load).
fn uri_part(url: &str) -> Option<&str> {
    if url.contains('$') {
        return None;
    }
    let lower = url
        .get(..8)
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let rest = if lower.starts_with("http://") {
        &url[7..]
    } else if lower.starts_with("https://") {
        &url[8..]
    } else {
        return None;
    };
    if rest
        .get(..5)
        .is_some_and(|p| p.eq_ignore_ascii_case("unix:"))
    {
        let uri = rest[5..].split_once(':')?.1;
        return (!uri.is_empty()).then_some(uri);
    }
    let at = rest.find(['/', '?'])?;
    Some(&rest[at..])
}

#[cfg(test)]
mod tests {
    use super::uri_part;

    #[test]
    fn uri_parts_as_nginx_splits_them() {
        assert_eq!(uri_part("http://127.0.0.1/"), Some("/"));
        assert_eq!(uri_part("http://backend:8080/app/?a=b"), Some("/app/?a=b"));
        assert_eq!(uri_part("HTTPS://backend?x"), Some("?x"));
        assert_eq!(uri_part("http://backend:8080"), None);
        assert_eq!(uri_part("http://unix:/run/app.sock:/api"), Some("/api"));
        assert_eq!(uri_part("http://unix:/run/app.sock"), None);
        assert_eq!(uri_part("http://$host/x"), None);
    }
}
