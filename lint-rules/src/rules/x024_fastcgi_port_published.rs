use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "X024",
        name: "fastcgi-port-published",
        family: Family::Cross,
        severity: Severity::Error,
        summary: "php-fpm's FastCGI port is published to the host or the world (Compose `ports:`, a NodePort/LoadBalancer Service)",
        aliases: &[],
        doc: r#"FastCGI has no authentication: whoever reaches the port can make php-fpm
run any PHP file on its disk, with any parameters (`PHP_VALUE`,
`auto_prepend_file=php://input` runs code from the request body). nginx reaches
php-fpm over the private container network; publishing the port is never
needed for that. The official image's documentation says so: do not use
`--publish` with the fpm variant.

**Symptom**: none until someone scans the port; then remote code execution.

Bad:
```yaml
php:
  image: php:8.3-fpm
  ports: ["9000:9000"]
```
Good:
```yaml
php:
  image: php:8.3-fpm
  expose: ["9000"]   # or nothing: services of one network reach each other
```"#,
        fix: "Remove the port from `ports:` (or bind it to 127.0.0.1 for local debugging); use a ClusterIP Service in Kubernetes.",
    },
    check: Check::Model(check),
};

fn check(model: &Model<'_>, sink: &mut Sink) {
    for (published, span) in &model.published {
        let pool = model.pools().find(|p| {
            matches!(
                p.pool.listen(),
                Some((fpm_conf_parser::Listen::Tcp { port: Some(port), .. }, _)) if port == published.port
            )
        });
        let Some(p) = pool else { continue };
        let mut d = Diagnostic::new(
            &RULE.meta,
            *span,
            format!(
                "php-fpm's FastCGI port {} is published ({}): anyone who reaches it can run PHP code",
                published.port, published.what
            ),
        )
        .with_label("published beyond the container network");
        if published.loopback_only {
            d = d
                .with_severity(Severity::Warning)
                .with_note("bound to the host's loopback: reachable by every local user and process of the host");
        }
        if let Some((_, entry)) = p.pool.listen() {
            d = d.with_related(
                entry.value_span,
                format!("pool [{}] listens here", p.pool.name),
            );
        }
        sink.push(d);
    }
}
