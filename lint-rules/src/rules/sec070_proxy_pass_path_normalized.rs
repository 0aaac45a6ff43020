use crate::model::syntax::Nodes;
use crate::model::syntax::Tree;
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::regex_shape::{self, CaptureRef};
use crate::model::syntax::Node;
use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "SEC070",
        name: "proxy-pass-path-normalized",
        family: Family::Security,
        severity: Severity::Warning,
        summary: "`proxy_pass` sends the upstream another path than the one nginx matched (trailing slash, decoded `$uri` or capture, `rewrite ^ $request_uri` escaped twice)",
        aliases: &["proxy_pass_normalized"],
        doc: r#"nginx matches locations against the normalised, percent-decoded URI, then
builds the upstream's path in one of three ways, each with its own trap:

- A URI part in `proxy_pass` replaces the matched location prefix. When one of
  the two ends in `/` and the other does not, `location /api` with
  `proxy_pass http://app/v1/` turns `/api../secret` into `/v1/../secret`,
  which the upstream resolves outside `/v1/` (path traversal past the
  prefix the location was meant to confine).
- With variables (`$uri`, a regex capture, a `map` or `set` of them) nginx
  sends the value as it is: decoded and not escaped again. `%3F` in the
  request arrives as `?`, so `/img/private.json%3F.png` matched by
  `\.png$` fetches `private.json` from the upstream.
- `rewrite ^ $request_uri;` (the usual cure for the above) sets the URI to
  the raw path; a `proxy_pass` that then builds the path itself escapes it a
  second time (`%2F` becomes `%252F`) unless it sends `$1` or `$uri`.

Exact (`=`) and named locations, regex locations without a URI part and a
`proxy_pass` whose target is a single variable are not judged.

**Symptom**: requests reach upstream paths the location never allowed
(`/v1/../admin`), or an extension check is bypassed with `%3F`; or, with the
raw-path rewrite, the upstream sees `%252F` and answers 404.

Bad:
```nginx
location /api {
    proxy_pass http://127.0.0.1:8080/v1/;
}
location ~ ^/img/(.*\.png)$ {
    proxy_pass http://127.0.0.1:8080/$1;
}
```
Good:
```nginx
location /api/ {
    proxy_pass http://127.0.0.1:8080/v1/;
}
location /img/ {
    rewrite ^ $request_uri;
    rewrite ^/img/(.*\.png)$ /$1 break;
    return 400;
    proxy_pass http://127.0.0.1:8080/$1;
}
```"#,
        fix: "End both the location and the `proxy_pass` URI in `/` (or neither); send the raw path (`rewrite ^ $request_uri;` then `$1`) instead of `$uri` or a capture of the decoded path.",
    },
    check: Check::Nodes(check),
};

/// Variables holding the decoded path.
const DECODED: &[&str] = &["uri", "document_uri"];

fn check(_model: &Model<'_>, tree: &Tree<'_>, nodes: &Nodes, sink: &mut Sink) {
    for pass in nodes.named(tree, "proxy_pass").map(|i| tree.node(i)) {
        check_pass(pass, sink);
    }
}

fn check_pass(pass: Node<'_, '_>, sink: &mut Sink) {
    let Some(parent) = pass.parent() else {
        return;
    };
    let location = if parent.is("location") {
        parent
    } else if parent.is("if") || parent.is("limit_except") {
        match parent.parent() {
            Some(l) if l.is("location") => l,
            _ => return,
        }
    } else {
        // The stream module's proxy_pass (in `server`) sends no path.
        return;
    };
    let (modifier, loc_path) = location_pattern(location);
    if modifier == "=" {
        return;
    }
    let arg = pass.arg(0);
    if arg.starts_with('$') && !arg.contains('/') {
        return;
    }
    // `proxy_pass 127.0.0.1:8081;` has no scheme: nginx refuses it (NGX014), there is
    // no path to compare.
    if !arg.starts_with('$') && !arg.contains("://") {
        return;
    }
    let (host, path) = split_url(arg);
    let ctx = Context { pass, location };
    let decoded = variables(path)
        .iter()
        .any(|v| ctx.carries_decoded(v, 0) && "?#%".chars().any(|c| ctx.can_contain(v, c, 0)))
        || variables(host).iter().any(|v| {
            ctx.carries_decoded(v, 0)
                && ctx.can_contain(v, '/', 0)
                && "?#%".chars().any(|c| ctx.can_contain(v, c, 0))
        });
    let mut rewritten: Option<Node<'_, '_>> = None;
    for rewrite in location.descendants().filter(|r| {
        r.is("rewrite") && r.enclosing("location").map(|l| l.id()) == Some(location.id())
    }) {
        let node = rewrite;
        if node.arg(0) != "^" || !node.arg(1).eq_ignore_ascii_case("$request_uri") {
            continue;
        }
        if is_conditional(rewrite, pass) {
            rewritten = rewritten.or(Some(rewrite));
            continue;
        }
        if decoded {
            return;
        }
        rewritten = Some(rewrite);
        break;
    }
    let span = pass.arg_span(0);
    if decoded {
        let mut d = Diagnostic::new(
            &RULE.meta,
            span,
            "the upstream path is built from the decoded request path and sent unescaped: `%3F` reaches the upstream as `?`",
        )
        .with_help("send the raw path: `rewrite ^ $request_uri;` and a capture of it, or `$request_uri`");
        if let Some(r) = rewritten {
            d = d.with_related(
                r.span(),
                "the raw path is set only when this condition holds",
            );
        }
        sink.push(d);
    } else if let Some(r) = rewritten {
        if !path.contains('$') && !variables(host).iter().any(|v| ctx.can_contain(v, '/', 0)) {
            sink.push(
                Diagnostic::new(
                    &RULE.meta,
                    span,
                    "after `rewrite ^ $request_uri` the URI is the raw path, which proxy_pass escapes again: `%2F` reaches the upstream as `%252F`",
                )
                .with_related(r.span(), "URI set to the raw request path")
                .with_help("send it as it is: `rewrite ^/prefix(/.*) $1 break;` then `proxy_pass http://upstream$1;`"),
            );
        }
    } else if !path.is_empty()
        && !arg.contains('$')
        && parent.id() == location.id()
        && (modifier.is_empty() || modifier == "^~")
        && !loc_path.starts_with('@')
        && loc_path.ends_with('/') != path.ends_with('/')
    {
        let message = if path.ends_with('/') {
            format!("location {loc_path} has no trailing slash but the proxy_pass URI {path} has: `{loc_path}../x` is sent as `{path}../x`")
        } else {
            format!("location {loc_path} ends in a slash but the proxy_pass URI {path} does not: `{loc_path}x` is sent as `{path}x`")
        };
        sink.push(
            Diagnostic::new(&RULE.meta, span, message)
                .with_related(location.head(), "location")
                .with_help("end both the location and the proxy_pass URI with `/`, or neither"),
        );
    }
}

/// (modifier, path) of a location: `~ ^/x`, `/api`.
fn location_pattern<'a>(location: Node<'_, 'a>) -> (&'a str, &'a str) {
    let n = location;
    match n.arg_count() {
        0 => ("", ""),
        1 => ("", n.arg(0)),
        _ => (n.arg(0), n.arg(1)),
    }
}

/// Host (netloc) and path of a proxy_pass URL, the way a URL parser splits them; for
/// `http://unix:/run/app.sock:/uri` the socket is the host and `/uri` the path.
fn split_url(arg: &str) -> (&str, &str) {
    let Some((_, rest)) = arg.split_once("://") else {
        return ("", arg);
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (host, path) = rest.split_at(end);
    if host == "unix:" {
        return match path.split_once(':') {
            Some((socket, uri)) => (socket, uri),
            None => (path, ""),
        };
    }
    (host, path)
}

/// Variable names in a value (`$uri`, `${1}`), without `$`.
fn variables(value: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = value;
    while let Some(i) = rest.find('$') {
        let after = &rest[i + 1..];
        let (name, tail) = if let Some(b) = after.strip_prefix('{') {
            match b.split_once('}') {
                Some(x) => x,
                None => break,
            }
        } else {
            let end = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            after.split_at(end)
        };
        if !name.is_empty() {
            out.push(name);
        }
        rest = tail;
    }
    out
}

/// A `rewrite` that runs only under a condition the proxy_pass does not share.
fn is_conditional(rewrite: Node<'_, '_>, pass: Node<'_, '_>) -> bool {
    let pass_scopes: Vec<usize> = pass.ancestors().map(|a| a.id()).collect();
    for parent in rewrite.ancestors() {
        if parent.is("location") || parent.is("server") {
            return false;
        }
        if parent.is("if") && !pass_scopes.contains(&parent.id()) {
            return true;
        }
    }
    false
}

/// Where a variable used by one proxy_pass gets its value.
struct Context<'t, 'a> {
    pass: Node<'t, 'a>,
    location: Node<'t, 'a>,
}

/// What provides a capture.
enum Provider<'t> {
    Location,
    Rewrite,
    /// `if ($var ~ regex)`: the variable tested.
    If(&'t str),
}

/// Deep enough for real chains of `set`/`map`; bounds pathological self-references.
const MAX_DEPTH: usize = 8;

impl<'t, 'a> Context<'t, 'a> {
    /// The regex providing capture `r`, and its provider: the `if` around the proxy_pass,
    /// then the last `rewrite` of the location, then the location's own regex.
    /// Returns the provider and the pattern that has the group.
    fn capture(&self, r: CaptureRef<'_>) -> Option<(Provider<'a>, &'a str)> {
        for scope in self.pass.ancestors() {
            if scope.id() == self.location.id() {
                break;
            }
            if scope.is("if") {
                if let Some((var, regex)) = if_regex(scope) {
                    if capture_can_contain(regex, r, None).is_some() {
                        return Some((Provider::If(var), regex));
                    }
                }
            }
        }
        let rewrites: Vec<Node<'t, 'a>> = self
            .location
            .children()
            .filter(|c| c.is("rewrite"))
            .collect();
        for rw in rewrites.iter().rev() {
            if capture_can_contain(rw.arg(0), r, None).is_some() {
                return Some((Provider::Rewrite, rw.arg(0)));
            }
        }
        let (modifier, pattern) = location_pattern(self.location);
        if modifier.starts_with('~') && capture_can_contain(pattern, r, None).is_some() {
            return Some((Provider::Location, pattern));
        }
        None
    }

    /// `set $name value` visible from the proxy_pass (its blocks, nearest first).
    fn set_value(&self, name: &str) -> Option<&'a str> {
        for scope in self.pass.ancestors() {
            let found = scope
                .children()
                .filter(|c| c.is("set"))
                .find(|c| c.arg(0).trim_start_matches('$').eq_ignore_ascii_case(name));
            if let Some(s) = found {
                return Some(s.arg(1));
            }
        }
        None
    }

    /// `map $source $name { ... }` in http (or at the top of a fragment written at
    /// http level, which `--context auto` reads without a wrapper).
    fn map_of(&self, name: &str) -> Option<Node<'t, 'a>> {
        let is_map = |m: &Node<'t, 'a>| {
            m.is("map") && m.arg(1).trim_start_matches('$').eq_ignore_ascii_case(name)
        };
        match self.location.enclosing("http") {
            Some(http) => http.children().find(is_map),
            None => self.location.tree().top().find(is_map),
        }
    }

    fn carries_decoded(&self, name: &str, depth: usize) -> bool {
        if depth > MAX_DEPTH {
            return false;
        }
        let lower = name.to_ascii_lowercase();
        if let Some(value) = self.set_value(&lower) {
            // `set` escapes numbered captures again, not named ones.
            return variables(value)
                .iter()
                .any(|v| v.parse::<usize>().is_err() && self.carries_decoded(v, depth + 1));
        }
        if let Some(map) = self.map_of(&lower) {
            let source = map.arg(0).trim_start_matches('$').to_ascii_lowercase();
            return DECODED.contains(&source.as_str());
        }
        if let Some((provider, _)) = self.capture(CaptureRef::of_variable(name)) {
            return match provider {
                Provider::Location | Provider::Rewrite => true,
                Provider::If(var) => DECODED.contains(&var.to_ascii_lowercase().as_str()),
            };
        }
        DECODED.contains(&lower.as_str())
    }

    fn can_contain(&self, name: &str, c: char, depth: usize) -> bool {
        if depth > MAX_DEPTH {
            return true;
        }
        let lower = name.to_ascii_lowercase();
        if let Some(value) = self.set_value(&lower) {
            return literal_part(value).contains(c)
                || variables(value)
                    .iter()
                    .any(|v| self.can_contain(v, c, depth + 1));
        }
        if let Some(map) = self.map_of(&lower) {
            return map.children().any(|entry| {
                let value = entry.arg(0);
                literal_part(value).contains(c)
                    || variables(value).iter().any(|v| {
                        let key = entry
                            .name()
                            .trim_start_matches("~*")
                            .trim_start_matches('~');
                        match capture_can_contain(key, CaptureRef::of_variable(v), Some(c)) {
                            Some(can) => can,
                            None => self.can_contain(v, c, depth + 1),
                        }
                    })
            });
        }
        if let Some((_, pattern)) = self.capture(CaptureRef::of_variable(name)) {
            return capture_can_contain(pattern, CaptureRef::of_variable(name), Some(c))
                .unwrap_or(true);
        }
        // Built-ins and unknown variables: assume anything.
        true
    }
}

/// Whether capture `r` of `pattern` can contain `c` (`c: None`: whether the group
/// exists); `None` when the pattern has no such group or does not parse. Case does not
/// matter: the characters asked about are punctuation.
fn capture_can_contain(pattern: &str, r: CaptureRef<'_>, c: Option<char>) -> Option<bool> {
    let shape = regex_shape::parse(pattern, false).ok()?;
    let group = shape.capture_ref(pattern, r)?;
    Some(c.is_none_or(|c| u8::try_from(c).is_ok_and(|b| group.universe().contains(b))))
}

/// A value with its variables removed.
fn literal_part(value: &str) -> String {
    let mut out = value.to_string();
    for v in variables(value) {
        out = out
            .replacen(&format!("${{{v}}}"), "", 1)
            .replacen(&format!("${v}"), "", 1);
    }
    out
}

/// `if ($var ~ regex)` → (`var`, `regex`): the parentheses may be tokens of their own
/// or stuck to the first and last word, and a regex may end in `)` itself.
fn if_regex<'a>(block: Node<'_, 'a>) -> Option<(&'a str, &'a str)> {
    let mut words: Vec<&str> = block.args().collect();
    if let Some(first) = words.first_mut() {
        *first = first.strip_prefix('(').unwrap_or(first);
    }
    if let Some(last) = words.last_mut() {
        *last = last.strip_suffix(')').unwrap_or(last);
    }
    words.retain(|w| !w.is_empty());
    match words.as_slice() {
        [var, op, regex, ..] if op.starts_with('~') || op.starts_with("!~") => {
            Some((var.trim_start_matches('$'), *regex))
        }
        _ => None,
    }
}
