use crate::model::syntax::{Nodes, Tree};
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Edit, Family, Fix, RuleMeta, Severity, Span};

use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "NGX233",
        name: "error-page-front-controller-keeps-404",
        family: Family::NginxFastcgi,
        severity: Severity::Warning,
        summary: "`error_page 404` hands missing files to the PHP front controller without `=`: every page it renders keeps status 404",
        aliases: &[],
        doc: r#"Old WordPress, Drupal and Joomla recipes send every URL that is no file to the
front controller with `error_page 404 = /index.php;`. The `=` matters: without it,
nginx keeps the status of the error it is handling, so the application renders the
right page with status 404. Visitors see nothing wrong; search engines drop the
pages, monitors and API clients see errors, caches do not keep them. Reported for
`error_page` lists holding 404 without `=`, whose page is a PHP script (`/index.php`,
`/index.php?q=$uri`) or a named location that passes to php-fpm, and not one named
for errors (`/404.php`, `/error.php`, `/errors/...`), where it routes the pages: the
block it covers (its location, or the server's `location /`) serves files with no
`try_files`, `return` or `rewrite` of its own. Laravel's documented server (`try_files
$uri $uri/ /index.php?$query_string;` in `location /` beside `error_page 404
/index.php;`) never reaches it for a page, and its 404 page rightly answers 404. The
modern form is `try_files $uri $uri/ /index.php?$query_string;`.

**Symptom**: pages render normally but answer `404 Not Found` (live, nginx 1.22.1
and php-fpm 8.2: `/about` 404 with the page's body; with `error_page 404 =
/index.php;`, 200).

Bad:
```nginx
location / {
    error_page 404 /index.php;
}
```
Good:
```nginx
location / {
    try_files $uri $uri/ /index.php?$query_string;
}
```

Autofix: unsafe — `=` is written before the page: the pages the front controller
renders answer with the status the script sets (200 unless it says otherwise)."#,
        fix: "Write `error_page 404 = /index.php;` (the script's own status), or use `try_files $uri $uri/ /index.php?$query_string;`.",
    },
    check: Check::Nodes(check),
};

/// A page named for errors: the application's own error page, whose 404 is right.
fn error_page_name(uri: &str) -> bool {
    let lower = uri.to_ascii_lowercase();
    [
        "404",
        "error",
        "notfound",
        "not-found",
        "not_found",
        "missing",
    ]
    .iter()
    .any(|w| lower.contains(w))
}

/// Whether the page is a PHP script the front controller way: a `.php` path.
fn php_script(uri: &str) -> bool {
    let path = uri.split('?').next().unwrap_or(uri);
    path.starts_with('/') && path.to_ascii_lowercase().ends_with(".php")
}

/// Whether the requests the `error_page` covers reach it for every page that is no
/// file: the block it is written in (its location, or the server's `location /`, or the
/// server itself when it has none) serves files with nothing else to fall back on. With
/// `try_files ... /index.php?...` (Laravel's documented server), pages never 404 there,
/// and the application's own 404 page rightly keeps its status.
fn routes_by_404(tree: &Tree<'_>, error_page: usize) -> bool {
    let Some(block) = tree.node(error_page).parent() else {
        return false;
    };
    let scope = if block.is("server") {
        match block
            .children()
            .find(|c| c.is("location") && c.is_block() && c.arg_count() == 1 && c.arg(0) == "/")
        {
            Some(root) => root,
            None => block,
        }
    } else if block.is("location") {
        block
    } else {
        return false;
    };
    let handled = |n: &crate::model::syntax::Node<'_, '_>| {
        [
            "try_files",
            "fastcgi_pass",
            "proxy_pass",
            "return",
            "rewrite",
        ]
        .iter()
        .any(|name| n.is(name))
    };
    // The scope's own statements (a nested location handles its own URIs).
    !scope.children().any(|c| handled(&c))
}

fn check(_model: &Model<'_>, tree: &Tree<'_>, nodes: &Nodes, sink: &mut Sink) {
    for i in nodes.named(tree, "error_page") {
        let node = tree.node(i);
        let args: Vec<&str> = node.args().collect();
        let Some((&uri, codes)) = args.split_last() else {
            continue;
        };
        let page = node.arg_span(codes.len());
        // `=` or `=200` before the page: the page's own status, or the one written.
        if codes.iter().any(|a| a.starts_with('=')) || !codes.contains(&"404") {
            continue;
        }
        if error_page_name(uri) {
            continue;
        }
        let front_controller = if let Some(name) = uri.strip_prefix('@') {
            // A named location that hands the request to php-fpm.
            let server = node.enclosing("server");
            tree.nodes_named("location").any(|l| {
                l.arg(0) == format!("@{name}")
                    && l.enclosing("server").map(|s| s.id()) == server.map(|s| s.id())
                    && l.descendants().any(|d| d.is("fastcgi_pass"))
            })
        } else {
            php_script(uri)
        };
        if !front_controller || !routes_by_404(tree, i) {
            continue;
        }
        sink.push(
            Diagnostic::new(
                &RULE.meta,
                node.span(),
                format!("`error_page 404 {uri}` without `=` keeps status 404: every page the front controller renders for a missing file answers 404"),
            )
            .with_label("no `=`: the 404 stays")
            .with_help(format!("write `error_page 404 = {uri};`, or route with `try_files $uri $uri/ /index.php?$query_string;`"))
            .with_note("at runtime: pages render but answer 404 Not Found; search engines drop them")
            .with_fix(Fix::unsafe_edits(
                "answer with the script's own status (`=` before the page)",
                vec![Edit::insert(Span::new(page.file, page.start as usize, page.start as usize), "= ")],
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::{error_page_name, php_script};

    #[test]
    fn front_controllers_and_error_pages() {
        assert!(php_script("/index.php"));
        assert!(php_script("/index.php?q=$uri&$args"));
        assert!(!php_script("/index.html"));
        assert!(!php_script("@app"));
        assert!(error_page_name("/404.php"));
        assert!(error_page_name("/errors/page.php"));
        assert!(!error_page_name("/index.php"));
    }
}
