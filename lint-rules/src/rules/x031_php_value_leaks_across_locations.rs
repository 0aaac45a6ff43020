use crate::model::nginx::SentPhpValue;
use crate::model::{EffectiveLocation, Model, Server};
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity, Span};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "X031",
        name: "php-value-leaks-across-locations",
        family: Family::Cross,
        severity: Severity::Warning,
        summary: "a location sends a PHP setting in `PHP_VALUE`/`PHP_ADMIN_VALUE` to a pool that another location uses without sending it: the worker keeps the value for the other's requests",
        aliases: &[],
        doc: r#"`fastcgi_param PHP_ADMIN_VALUE "open_basedir=/srv/a/:/tmp/";` changes the
setting in the php-fpm worker that runs the request, and php-fpm does not put it back
afterwards: the worker's next requests run with it, whichever site or location they
come from (php-fpm bug #51983, open since 2010). When another location sends requests
to the same pool without sending that setting, its requests get the first one's value
or the pool's, depending on which worker answers: `open_basedir restriction in effect`
errors for a site that sets no `open_basedir`, another site's `error_log`, upload
limits or `disable_functions`, at random (live, nginx 1.22.1 and php-fpm 8.2, one
worker: a request to the location without the setting answers 200, then 404 after
one request to the location that sends `open_basedir`).

Reported on the `fastcgi_param` that sends the setting, with the location that does
not. Locations that all send the setting (each their own value) are fine: every
request sets it before it runs.

**Symptom**: one site's requests fail now and then with another site's settings
(`open_basedir restriction in effect ... allowed path(s): (/srv/other-site/...)`,
"No input file specified"), and the failures follow which worker answered.

Bad:
```nginx
server { server_name a.example;
    location ~ \.php$ { fastcgi_param PHP_ADMIN_VALUE "open_basedir=/srv/a/:/tmp/";
                        fastcgi_pass unix:/run/php/www.sock; } }
server { server_name b.example;
    location ~ \.php$ { fastcgi_pass unix:/run/php/www.sock; } }
```
Good (a pool per site, the setting in the pool):
```ini
[a]
listen = /run/php/a.sock
php_admin_value[open_basedir] = /srv/a/:/tmp/
```"#,
        fix: "Give each site its own pool and set the value there (`php_admin_value[...]`), or send the setting from every location that uses the pool.",
    },
    check: Check::Model(check),
};

/// A location that reaches a pool, with what it sends.
struct User<'m> {
    server: &'m Server,
    location: &'m EffectiveLocation,
    sent: Vec<SentPhpValue>,
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    // Most configurations send no PHP setting at all: nothing can leak.
    if !model
        .fastcgi_locations()
        .any(|(_, _, l)| !l.php_values_sent().is_empty())
    {
        return;
    }
    // The locations of each pool (by its name's span), in document order.
    let mut pools: Vec<(Span, &str, Vec<User<'_>>)> = Vec::new();
    // Where each pool is in `pools`: a hosting box has thousands.
    let mut at: foldhash::HashMap<Span, usize> = foldhash::HashMap::default();
    for (_, server, location) in model.fastcgi_locations() {
        if model.serves_only_status_pages(server, location) {
            continue;
        }
        let mut reached: Vec<Span> = Vec::new();
        for (_, pool) in model.reached_pools(location) {
            let key = pool.pool.name_span;
            // An upstream of two addresses of one pool is one use.
            if reached.contains(&key) {
                continue;
            }
            reached.push(key);
            let user = User {
                server,
                location,
                sent: location.php_values_sent(),
            };
            match at.get(&key) {
                Some(&i) => pools[i].2.push(user),
                None => {
                    at.insert(key, pools.len());
                    pools.push((key, pool.pool.name.as_str(), vec![user]));
                }
            }
        }
    }
    for (_, pool, users) in &pools {
        for user in users {
            // One finding per `fastcgi_param` statement, naming each setting it leaks.
            let mut statements: Vec<Span> = user.sent.iter().map(|s| s.span).collect();
            statements.dedup();
            for span in statements {
                let here: Vec<&SentPhpValue> =
                    user.sent.iter().filter(|s| s.span == span).collect();
                let missing_in = |u: &User<'_>| -> Vec<&SentPhpValue> {
                    here.iter()
                        .copied()
                        .filter(|s| !u.sent.iter().any(|o| o.key == s.key))
                        .collect()
                };
                let Some((other, leaked)) = users
                    .iter()
                    .map(|u| (u, missing_in(u)))
                    .find(|(_, leaked)| !leaked.is_empty())
                else {
                    continue;
                };
                sink.push(leak(pool, user, &leaked, other));
            }
        }
    }
}

fn leak(pool: &str, user: &User<'_>, leaked: &[&SentPhpValue], other: &User<'_>) -> Diagnostic {
    let first = leaked[0];
    let param = if first.admin {
        "PHP_ADMIN_VALUE"
    } else {
        "PHP_VALUE"
    };
    // Each leaked setting written one way, listed with commas.
    let list = |write: fn(&SentPhpValue) -> String| {
        leaked
            .iter()
            .map(|s| write(s))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let keys = list(|s| format!("`{}`", s.key));
    let values = list(|s| format!("`{}={}`", s.key, s.value));
    let (them, value) = if leaked.len() == 1 {
        ("it", "the value")
    } else {
        ("them", "the values")
    };
    let where_other = describe(other);
    let where_this = describe(user);
    let pool_lines = list(|s| format!("`php_admin_value[{}] = {}`", s.key, s.value));
    Diagnostic::new(
        &RULE.meta,
        first.span,
        format!(
            "{param} sets {keys} in the workers of pool [{pool}], which {where_other} also uses without setting {them}: php-fpm keeps {value}, so its requests run with {values} after one from {where_this}"
        ),
    )
    .with_related(other.location.span, format!("sends no {keys} to pool [{pool}]"))
    .with_help(format!(
        "give this site its own pool with {pool_lines}, or send {keys} from every location that uses [{pool}]"
    ))
}

/// `location ~ \.php$ of server b.example` (or `the server level of ...`).
fn describe(user: &User<'_>) -> String {
    let server = user.server.names.first().map_or_else(
        || "a server without a name".to_string(),
        |(n, _)| format!("server {n}"),
    );
    if user.location.pattern.is_empty() {
        format!("the server level of {server}")
    } else {
        format!("`location {}` of {server}", user.location.pattern)
    }
}
