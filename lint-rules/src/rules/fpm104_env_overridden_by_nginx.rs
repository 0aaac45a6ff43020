use crate::rule::{Check, Rule, Sink};
use foldhash::{HashSet, HashSetExt};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "FPM104",
        name: "env-overridden-by-nginx",
        family: Family::FpmPool,
        severity: Severity::Warning,
        summary:
            "a pool's `env[X]` that nginx overrides with `fastcgi_param X`: PHP sees nginx's value",
        aliases: &[],
        doc: r#"PHP under php-fpm answers `getenv('X')` from the request's FastCGI
parameters first and the process environment second, and builds `$_SERVER`
the same way: the FastCGI parameter is added last and wins. So when nginx
sends `fastcgi_param APP_ENV staging` and the pool says `env[APP_ENV] =
production`, every request from nginx sees `staging`; the pool's value only
shows in CLI-like contexts (cron through php-fpm, health checks sent
directly). With `if_not_empty` nginx sends the parameter only when its value
is not empty, and the pool's value is the fallback (note).

**Symptom**: the application reads a different value than the pool sets; changing the pool does nothing.

Bad:
```ini
; pool
env[APP_ENV] = production
```
```nginx
fastcgi_param APP_ENV staging;
```
Good: set it in one place only (pool or nginx)."#,
        fix: "Set the variable in one place: drop the `fastcgi_param`, or the pool's `env[]`.",
    },
    check: Check::Model(check),
};

fn check(model: &Model<'_>, sink: &mut Sink) {
    let mut reported = HashSet::new();
    for (_, _, location) in model.fastcgi_locations() {
        let Some(params) = &location.inherited.params else {
            continue;
        };
        for (_, p) in model.reached_pools(location) {
            for param in params.params.iter() {
                let Some(env) = p.pool.array("env", &param.name) else {
                    continue;
                };
                if !reported.insert((param.span, env.key_span)) {
                    continue;
                }
                let mut d = Diagnostic::new(
                    &RULE.meta,
                    env.key_span,
                    format!(
                        "pool [{}] sets env[{}] = \"{}\", but nginx sends fastcgi_param {} {}: PHP sees nginx's value",
                        p.pool.name, param.name, env.value, param.name, param.value
                    ),
                )
                .with_label("overridden for requests from nginx")
                .with_related(param.span, "nginx sends this");
                if param.if_not_empty {
                    d = d
                        .with_severity(Severity::Note)
                        .with_note("with if_not_empty the pool's value applies whenever nginx's value is empty");
                }
                sink.push(d.with_help("set the variable in one place: the pool or nginx"));
            }
        }
    }
}
