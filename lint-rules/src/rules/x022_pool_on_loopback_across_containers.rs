use crate::model::NginxModel;
use crate::model::Server;
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::address::describe_listen;
use crate::model::{Crossing, Model, Verdict};

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "X022",
        name: "pool-on-loopback-across-containers",
        family: Family::Cross,
        severity: Severity::Error,
        summary: "the pool listens on its container's 127.0.0.1 (or a unix socket) while nginx connects over the network",
        aliases: &[],
        doc: r#"`listen = 127.0.0.1:9000` accepts connections from inside php-fpm's own
container only; a unix socket is a file of that container. nginx in another
container reaches php-fpm through the container network, so the pool must
listen on every interface (`listen = 9000`, as the official image's
`zz-docker.conf`/`docker.conf` does). A pool file that sorts after the image's
(`zz-www.conf`) or replaces `www.conf` brings `127.0.0.1` back. In the official image
that holds for images built since docker-library/php f26909c (2026-01-09), which leave
`listen` to the pool files; those built before set `listen = 9000` again in
`zz-docker.conf`, read last, over any earlier line. A moving tag (`8.3-fpm-alpine`) can
name either, depending on when it was pulled or built: the message says the finding
depends on the build date.

**Symptom**: 502 Bad Gateway; nginx's error log says
`connect() failed (111: Connection refused) while connecting to upstream`.

Bad (pool in the `app` service):
```ini
listen = 127.0.0.1:9000
```
Good:
```ini
listen = 9000
```"#,
        fix: "Make the pool listen on every interface (`listen = 9000`), or run nginx in the same pod/network namespace.",
    },
    check: Check::Server(check),
};

fn check(model: &Model<'_>, _nginx: &NginxModel, server: &Server, sink: &mut Sink) {
    for location in server.fastcgi_locations() {
        for t in model.fastcgi_targets(location) {
            let Verdict::Across(Crossing::PoolOnLoopback(p)) = model.verdict(&t.target) else {
                continue;
            };
            let Some((listen, entry)) = p.pool.listen() else {
                continue;
            };
            let port = match &listen {
                fpm_conf_parser::Listen::Tcp { port_text, .. } => port_text.clone(),
                fpm_conf_parser::Listen::Unix(_) => "9000".into(),
            };
            let built_since = image_layout_decides(model, p.pool, entry);
            let d = Diagnostic::new(
                &RULE.meta,
                entry.value_span,
                format!(
                    "pool [{}] listens on {} inside its container, but nginx connects from another container to {}{}",
                    p.pool.name,
                    describe_listen(&listen),
                    model.describe_target(t),
                    if built_since.is_some() {
                        " (with the image as built since 2026-01-09)"
                    } else {
                        ""
                    }
                ),
            )
            .with_label("reachable only from php-fpm's own container")
            .with_related(t.span, "nginx connects here, over the container network")
            .with_help(format!("listen on every interface: `listen = {port}`"))
            .with_note("at runtime: 502 Bad Gateway, \"connect() failed (111: Connection refused) while connecting to upstream\" in nginx's error log");
            let d = match built_since {
                Some(image) => d.with_note(format!(
                    "`{image}` is a moving tag: in images built from it since docker-library/php f26909c (2026-01-09) the pool files decide `listen`, so this line wins; in those built before (and in tags up to 8.2.30, 8.3.29, 8.4.16, 8.5.1) zz-docker.conf, read last, sets `listen = 9000` again and nginx gets through"
                )),
                None => d,
            };
            sink.push(model.with_upstream_fallback(location, t, d));
        }
    }
}

/// The image whose build date decides this finding, when it does: the pool's own `listen`
/// (a repository file) wins over the `listen = 9000` of the official image's docker.conf,
/// read before it, only in the layout docker-library/php f26909c (2026-01-09) brought; the
/// images built before it set `listen = 9000` again in zz-docker.conf, read last
/// (containers.md §2.4). A moving tag (`8.3-fpm-alpine`) names either, depending on when
/// it was pulled; a pinned patch release names one. vichan-devel/vichan's bound www.conf
/// (`listen = 127.0.0.1:9000`) is a 502 only with an image built since.
fn image_layout_decides(
    model: &Model<'_>,
    pool: &fpm_conf_parser::Pool,
    effective: &fpm_conf_parser::Entry,
) -> Option<String> {
    let origin = |span: lint_source::Span| model.map.get(span.file).origin.clone();
    // The effective line is the user's, not the image's, in a pool file the old
    // zz-docker.conf is read after (`www.conf`; a `zz-www.conf` wins in either layout).
    if origin(effective.value_span).is_some_and(|o| o.contains(", stock ")) {
        return None;
    }
    let path = &model.map.get(effective.value_span.file).path;
    let read_before_zz_docker = path.parent()
        == Some(std::path::Path::new("/usr/local/etc/php-fpm.d"))
        && path
            .file_name()
            .is_some_and(|name| name.as_encoded_bytes() < b"zz-docker.conf".as_slice());
    if !read_before_zz_docker {
        return None;
    }
    // An earlier `listen` of the pool is the current official layout's docker.conf.
    let image = pool
        .entries
        .iter()
        .filter(|e| e.array_key.is_none() && e.key.eq_ignore_ascii_case("listen"))
        .filter(|e| !std::ptr::eq(*e, effective))
        .find_map(|e| {
            let o = origin(e.value_span)?;
            let (image, set) = o.split_once(", stock ")?;
            // `image php:8.3-fpm-alpine (built by ./docker/php/Dockerfile)`: the reference.
            let reference = image.strip_prefix("image ").unwrap_or(image);
            let reference = reference.split_whitespace().next()?;
            (set == "php-official-fpm").then(|| reference.to_string())
        })?;
    // A pinned patch release (`8.3.30-fpm`) was only ever built one way.
    let tag = image.rsplit_once(':').map_or("", |(_, tag)| tag);
    let version = tag.split('-').next().unwrap_or(tag);
    let pinned = version.split('.').count() >= 3
        && version.split('.').all(|part| part.parse::<u32>().is_ok());
    (!pinned).then_some(image)
}
