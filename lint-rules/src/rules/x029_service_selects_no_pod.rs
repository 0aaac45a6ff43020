use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "X029",
        name: "service-selects-no-pod",
        family: Family::Cross,
        severity: Severity::Warning,
        summary: "`fastcgi_pass` names a Kubernetes Service whose selector matches no pod of the manifests: the name resolves, and nothing answers behind it",
        aliases: &[],
        doc: r#"A Kubernetes Service sends its traffic to the pods whose labels match its
`selector`. A selector left at another label (`app: fpm` for a Deployment whose
pods are labelled `app: php`) gives a Service with no endpoints: cluster DNS
still answers its name, so nginx starts, but a connection to it is refused (or
times out, with IPVS), and every PHP request answers 502 (or 504). `kubectl get
endpoints php-fpm` shows `<none>`.

Reported when the manifests read hold a pod that runs php-fpm and the Service
that `fastcgi_pass` (or an upstream `server`) names selects none of their pods.
Pods deployed from elsewhere (another repository, a chart not rendered here)
may carry the label: the finding is a warning, and says which labels the
php-fpm pods have.

**Symptom**: 502 Bad Gateway (`connect() failed (111: Connection refused) while
connecting to upstream`) or 504 for every PHP page; `kubectl get endpoints`
lists none for the Service.

Bad:
```yaml
kind: Service
metadata: {name: php-fpm}
spec:
  selector: {app: fpm}      # the Deployment's pods are labelled app: php
  ports: [{port: 9000}]
```
Good:
```yaml
spec:
  selector: {app: php}
```"#,
        fix: "Make the Service's selector match the labels of php-fpm's pod template (`spec.template.metadata.labels`).",
    },
    check: Check::Model(check),
};

fn check(model: &Model<'_>, sink: &mut Sink) {
    let unbacked = &model.options.network.unbacked_services;
    if unbacked.is_empty() {
        return;
    }
    let report = |name: &str, span, sink: &mut Sink| {
        let Some((service, why)) = unbacked.iter().find(|(s, _)| s.eq_ignore_ascii_case(name))
        else {
            return;
        };
        sink.push(
            Diagnostic::new(
                &RULE.meta,
                span,
                format!("`{name}` is the Kubernetes Service {service}, which has no pod behind it: {why}"),
            )
            .with_label("nginx connects here")
            .with_help("make the Service's selector match the labels of php-fpm's pod template")
            .with_note("at runtime: 502 Bad Gateway (\"connect() failed (111: Connection refused)\") or 504; `kubectl get endpoints` shows none"),
        );
    };
    for (name, span, _) in model.backend_host_names() {
        report(name, span, sink);
    }
}
