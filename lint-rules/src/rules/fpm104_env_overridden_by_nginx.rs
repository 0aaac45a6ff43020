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
            "a pool's `env[X]` that nginx also sends as `fastcgi_param X`: `$_SERVER` and `getenv()` see nginx's value, the pool's only `getenv('X', true)`",
        aliases: &[],
        doc: r#"php-fpm builds `$_SERVER` from the process environment (the pool's
`env[]`) and then the request's FastCGI parameters, which are added last and win;
`getenv('X')` asks the request's parameters first too, and only
`getenv('X', true)` (the process environment alone) still returns the pool's value.
So when nginx sends `fastcgi_param APP_ENV staging` and the pool says
`env[APP_ENV] = production`, `$_SERVER['APP_ENV']` and `getenv('APP_ENV')` are
`staging` (live, php-fpm 8.2.36: `getenv='staging' getenv_local='production'
server='staging'`): the pool's setting is silently overridden for every request
from nginx, while code that asks for the local environment (some configuration
loaders do) sees the other value. With `if_not_empty` nginx sends the parameter only
when its value is not empty (note).

**Symptom**: the application reads a different value than the pool sets, or
different parts of it disagree; changing one side changes only some of them.

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
            // The pool's `env[...]` entries, read once per pool and location rather than
            // all its entries once per parameter (`Pool::array`: the first in order).
            let envs: Vec<&fpm_conf_parser::Entry> =
                p.pool.entries.iter().filter(|e| e.key == "env").collect();
            if envs.is_empty() {
                continue;
            }
            for param in params.params.iter() {
                let Some(env) = envs
                    .iter()
                    .find(|e| e.array_key.as_deref().map(str::trim_end) == Some(&*param.name))
                else {
                    continue;
                };
                if !reported.insert((param.span, env.key_span)) {
                    continue;
                }
                let mut d = Diagnostic::new(
                    &RULE.meta,
                    env.key_span,
                    format!(
                        "pool [{}] sets env[{}] = \"{}\", but nginx sends fastcgi_param {} {}: $_SERVER and getenv() see nginx's value, the pool's is left to getenv('{}', true)",
                        p.pool.name, param.name, env.value, param.name, param.value, param.name
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
