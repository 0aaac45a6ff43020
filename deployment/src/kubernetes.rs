//! Kubernetes manifests: pods (Deployments, StatefulSets, DaemonSets, Jobs, Pods)
//! with their containers, ConfigMap volumes (keys as files, `items`, `subPath`),
//! Services as names. Containers of one pod share 127.0.0.1.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use yaml_rust2::Yaml;

use crate::assemble::{pair, set_image, Container};
use crate::compose::scalar;
use crate::container_fs::{Mount, Source};
use crate::repository::RepoFile;
use crate::Assembled;

/// A Service: its name, selector, and ports as (`port`, `targetPort` as written).
type ServiceEntry = (String, BTreeMap<String, String>, Vec<(u16, Option<String>)>);

/// A Service that publishes beyond the cluster: selector, target ports, file, type, name.
type Exposed = (BTreeMap<String, String>, Vec<u32>, PathBuf, String, String);

struct ConfigMap {
    data: BTreeMap<String, String>,
    file: PathBuf,
    /// Keys whose value is a repository file (a kustomize `configMapGenerator`): mounted
    /// as that file, so that findings point into it.
    from_files: BTreeMap<String, PathBuf>,
    /// Where each key's text stands in `file` (found with one index of the manifest).
    located: BTreeMap<String, Option<lint_source::Carrier>>,
}

struct Workload {
    name: String,
    labels: BTreeMap<String, String>,
    spec: Yaml,
    file: PathBuf,
}

impl Workload {
    /// What its containers carry as their pod (`Container::pod`): the file and the name.
    fn pod_id(&self) -> String {
        format!("{}#{}", self.file.display(), self.name)
    }
}

/// Whether a file is a kustomization by its name (`kustomization.yaml`, `.yml`,
/// `Kustomization`): what `kubectl kustomize DIR` reads.
pub(crate) fn is_kustomization_name(path: &Path) -> bool {
    path.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
        matches!(
            n,
            "kustomization.yaml" | "kustomization.yml" | "Kustomization"
        )
    })
}

/// Assembles the pods of the manifests into deployments.
pub(crate) fn assemble(
    manifests: &[&RepoFile],
    repo: &Path,
    dockerfiles: &[PathBuf],
    built: &dyn Fn(&str) -> Option<crate::compose::Service>,
    out: &mut Assembled,
) {
    // By name; several manifests (examples side by side) may reuse a name.
    let mut config_maps: BTreeMap<String, Vec<ConfigMap>> = BTreeMap::new();
    let mut workloads: Vec<Workload> = Vec::new();
    // Each Service: name, selector, and its ports as (port, targetPort as written).
    let mut services: Vec<ServiceEntry> = Vec::new();
    // Services that publish beyond the cluster: (selector, target ports, file, type).
    let mut exposed: Vec<Exposed> = Vec::new();
    // The index in `exposed` of each Service there, by its index in `services`.
    let mut exposed_of: BTreeMap<usize, usize> = BTreeMap::new();
    for m in manifests {
        let Ok(text) = std::fs::read_to_string(&m.path) else {
            continue;
        };
        let (docs, bad) = crate::bounded_yaml::load_documents(&text);
        if docs.is_empty() {
            if let Some((_, e)) = bad.into_iter().next() {
                out.skipped.push((m.path.clone(), e));
            }
            continue;
        }
        for (line, e) in bad {
            out.skipped.push((
                m.path.clone(),
                format!("the document at line {line} was skipped ({e}); the others were read"),
            ));
        }
        // kustomize lets a kustomization.yaml leave out its apiVersion and kind.
        let kustomization = is_kustomization_name(&m.path);
        // The manifest's lines, indexed once for the ConfigMap keys it holds.
        let carrier_lines = std::cell::OnceCell::new();
        // `kind: List` holds its objects under `items` (what `kubectl get -o yaml` writes,
        // bitnami's php-fpm example): each is read as a document of its own.
        let docs = docs.into_iter().flat_map(|doc| {
            if scalar(&doc["kind"]).as_deref() == Some("List") {
                doc["items"].as_vec().cloned().unwrap_or_default()
            } else {
                vec![doc]
            }
        });
        for doc in docs {
            let kind = scalar(&doc["kind"])
                .or_else(|| kustomization.then(|| "Kustomization".to_string()))
                .unwrap_or_default();
            let name = scalar(&doc["metadata"]["name"]).unwrap_or_default();
            match kind.as_str() {
                "ConfigMap" => {
                    let mut data = BTreeMap::new();
                    if let Some(h) = doc["data"].as_hash() {
                        for (k, v) in h {
                            if let (Some(k), Some(v)) = (scalar(k), scalar(v)) {
                                data.insert(k, v);
                            }
                        }
                    }
                    let lines = carrier_lines.get_or_init(|| lint_source::CarrierLines::new(&text));
                    let located = data
                        .iter()
                        .map(|(k, v)| (k.clone(), lines.locate(m.path.clone(), v)))
                        .collect();
                    config_maps.entry(name).or_default().push(ConfigMap {
                        data,
                        file: m.path.clone(),
                        from_files: BTreeMap::new(),
                        located,
                    });
                }
                // Kustomize's `configMapGenerator` makes a ConfigMap of files beside the
                // kustomization (`files: [default.conf]`, `key=path`) and of `literals`;
                // the workloads of its `resources` name it by its plain name.
                "Kustomization" => {
                    let dir = m.path.parent().unwrap_or(repo);
                    for generator in doc["configMapGenerator"].as_vec().into_iter().flatten() {
                        let Some(name) = scalar(&generator["name"]) else {
                            continue;
                        };
                        let mut data = BTreeMap::new();
                        let mut from_files = BTreeMap::new();
                        for entry in generator["files"].as_vec().into_iter().flatten() {
                            let Some(entry) = scalar(entry) else { continue };
                            let (key, path) = match entry.split_once('=') {
                                Some((k, p)) => (k.to_string(), p.to_string()),
                                None => (
                                    Path::new(&entry)
                                        .file_name()
                                        .map(|n| n.to_string_lossy().into_owned())
                                        .unwrap_or_default(),
                                    entry.clone(),
                                ),
                            };
                            let file = lint_source::vfs::normalize(&dir.join(&path));
                            if !file.starts_with(repo) {
                                continue;
                            }
                            if let Ok(text) = std::fs::read_to_string(&file) {
                                data.insert(key.clone(), text);
                                // Placed by the generator: not a loose file.
                                out.used.push(file.clone());
                                from_files.insert(key, file);
                            }
                        }
                        for literal in generator["literals"].as_vec().into_iter().flatten() {
                            if let Some((k, v)) = scalar(literal).and_then(|l| {
                                l.split_once('=')
                                    .map(|(k, v)| (k.to_string(), v.to_string()))
                            }) {
                                data.insert(k, v);
                            }
                        }
                        config_maps.entry(name).or_default().push(ConfigMap {
                            data,
                            file: m.path.clone(),
                            from_files,
                            // Literals are searched when read, as before (in the
                            // kustomization's own lines).
                            located: BTreeMap::new(),
                        });
                    }
                }
                "Service" => {
                    let mut selector = BTreeMap::new();
                    if let Some(h) = doc["spec"]["selector"].as_hash() {
                        for (k, v) in h {
                            if let (Some(k), Some(v)) = (scalar(k), scalar(v)) {
                                selector.insert(k, v);
                            }
                        }
                    }
                    let kind = scalar(&doc["spec"]["type"]).unwrap_or_default();
                    if kind == "NodePort" || kind == "LoadBalancer" {
                        let ports: Vec<u32> = doc["spec"]["ports"]
                            .as_vec()
                            .into_iter()
                            .flatten()
                            .filter_map(|p| {
                                scalar(&p["targetPort"])
                                    .or_else(|| scalar(&p["port"]))
                                    .and_then(|t| t.parse().ok())
                            })
                            .collect();
                        exposed_of.insert(services.len(), exposed.len());
                        exposed.push((selector.clone(), ports, m.path.clone(), kind, name.clone()));
                    }
                    let ports = doc["spec"]["ports"]
                        .as_vec()
                        .into_iter()
                        .flatten()
                        .filter_map(|p| {
                            let port: u16 = scalar(&p["port"])?.parse().ok()?;
                            Some((port, scalar(&p["targetPort"])))
                        })
                        .collect();
                    services.push((name, selector, ports));
                }
                "Pod" => workloads.push(Workload {
                    name,
                    labels: labels(&doc["metadata"]["labels"]),
                    spec: doc["spec"].clone(),
                    file: m.path.clone(),
                }),
                // ReplicationController (v1, still served) has the pod template of a
                // Deployment (k8s-php-nginx runs php-fpm in one).
                "Deployment"
                | "StatefulSet"
                | "DaemonSet"
                | "ReplicaSet"
                | "Job"
                | "ReplicationController" => workloads.push(Workload {
                    name,
                    labels: labels(&doc["spec"]["template"]["metadata"]["labels"]),
                    spec: doc["spec"]["template"]["spec"].clone(),
                    file: m.path.clone(),
                }),
                "CronJob" => {
                    let template = &doc["spec"]["jobTemplate"]["spec"]["template"];
                    workloads.push(Workload {
                        name,
                        labels: labels(&template["metadata"]["labels"]),
                        spec: template["spec"].clone(),
                        file: m.path.clone(),
                    })
                }
                _ => {}
            }
        }
        out.used.push(m.path.clone());
    }
    // The Services whose selector matches each workload's labels, in order: looked up by
    // the selector's first label, not asked of every Service (a manifest of 2 000 pods,
    // each with its Service, compared every selector with every pod's labels).
    let mut by_first_label: BTreeMap<(&str, &str), Vec<usize>> = BTreeMap::new();
    for (i, (_, selector, _)) in services.iter().enumerate() {
        if let Some((k, v)) = selector.iter().next() {
            by_first_label.entry((k, v)).or_default().push(i);
        }
    }
    let selecting: Vec<Vec<usize>> = workloads
        .iter()
        .map(|w| {
            let mut found: Vec<usize> = w
                .labels
                .iter()
                .filter_map(|(k, v)| by_first_label.get(&(k.as_str(), v.as_str())))
                .flatten()
                .copied()
                .filter(|&i| {
                    services.get(i).is_some_and(|(_, sel, _)| {
                        sel.iter().all(|(k, v)| w.labels.get(k) == Some(v))
                    })
                })
                .collect();
            found.sort_unstable();
            found.dedup();
            found
        })
        .collect();
    // Whether some workload's labels match each Service's (non-empty) selector.
    let mut backed = vec![false; services.len()];
    for &i in selecting.iter().flatten() {
        if let Some(b) = backed.get_mut(i) {
            *b = true;
        }
    }
    let mut containers: Vec<Container> = Vec::new();
    for (w, selecting) in workloads.iter().zip(&selecting) {
        // Services whose selector matches the pod's labels name it.
        let naming: Vec<&ServiceEntry> =
            selecting.iter().filter_map(|&i| services.get(i)).collect();
        let service_names: Vec<String> = naming.iter().map(|(n, _, _)| n.clone()).collect();
        let volumes = w.spec["volumes"].as_vec().cloned().unwrap_or_default();
        for c in w.spec["containers"].as_vec().into_iter().flatten() {
            let cname = scalar(&c["name"]).unwrap_or_default();
            let image_ref = scalar(&c["image"]).unwrap_or_default();
            let mut container = Container {
                name: format!("{}/{}", w.name, cname),
                pod: Some(w.pod_id()),
                ..Container::default()
            };
            // An image the repository's own Compose file or CI builds (`build:` beside
            // `image: k8s-php-fpm/nginx:latest`) is that build, not an unknown image.
            match built(&image_ref) {
                Some(build) if crate::assemble::apply_build(&mut container, &build, repo) => {
                    container.image_ref = format!(
                        "{image_ref} (built by {})",
                        container
                            .built_from
                            .as_deref()
                            .map(|d| crate::assemble::rel(d, repo))
                            .unwrap_or_default()
                    );
                }
                _ => set_image(&mut container, &image_ref, dockerfiles, repo),
            }
            // Beside a stock nginx of the pod, an image nothing names is the php-fpm the
            // repository's nearest Dockerfile builds (the sidecar tutorial's shape).
            let beside_nginx = w.spec["containers"]
                .as_vec()
                .into_iter()
                .flatten()
                .filter(|other| scalar(&other["name"]).unwrap_or_default() != cname)
                .filter_map(|other| scalar(&other["image"]))
                .any(|other| crate::stock::image(&other).nginx.is_some());
            if beside_nginx && !dockerfiles.is_empty() {
                crate::assemble::guess_nearest_dockerfile(
                    &mut container,
                    &w.file,
                    dockerfiles,
                    repo,
                );
            }
            for (_, ports, file, kind, service) in selecting
                .iter()
                .filter_map(|i| exposed.get(*exposed_of.get(i)?))
            {
                let text = std::fs::read_to_string(file).unwrap_or_default();
                let needle = format!("type: {kind}");
                let start = service_type_at(&text, service, &needle);
                for port in ports {
                    container.published.push(lint_rules::Published {
                        file: file.clone(),
                        range: (start, start + needle.len()),
                        port: *port,
                        what: format!("a Service of type {kind}"),
                        loopback_only: false,
                    });
                }
            }
            // `securityContext.runAsUser` (the container's over the pod's) starts the
            // container's processes as that uid, as Compose's `user:` does: nginx's
            // `user` is then ignored and php-fpm runs its pools as that uid (a sidecar pod
            // of one uid shares its socket; rephapeng/magento-k8s).
            let run_as = |ctx: &yaml_rust2::Yaml| {
                let uid = scalar(&ctx["runAsUser"])?;
                Some(match scalar(&ctx["runAsGroup"]) {
                    Some(gid) => format!("{uid}:{gid}"),
                    None => uid,
                })
            };
            if let Some(user) =
                run_as(&c["securityContext"]).or_else(|| run_as(&w.spec["securityContext"]))
            {
                container.run_as = Some(user);
            }
            // `hostAliases` of the pod: entries of every container's /etc/hosts.
            if let Some(aliases) = w.spec["hostAliases"].as_vec() {
                for alias in aliases {
                    let Some(ip) = scalar(&alias["ip"]) else {
                        continue;
                    };
                    for name in alias["hostnames"].as_vec().into_iter().flatten() {
                        if let Some(name) = scalar(name) {
                            container.extra_hosts.push((name, ip.clone()));
                        }
                    }
                }
            }
            // Kubernetes makes every container name of a pod a name of nothing: only
            // Services are names (a container name used as a host does not resolve).
            container.names.extend(service_names.iter().cloned());
            // What each Service's ports reach in this container: a named `targetPort` is
            // the container port of that name.
            for (service, _, ports) in &naming {
                let ports = ports
                    .iter()
                    .map(|(port, target)| {
                        let target = match target {
                            None => Some(*port),
                            Some(t) => t.parse().ok().or_else(|| {
                                c["ports"].as_vec().into_iter().flatten().find_map(|p| {
                                    (scalar(&p["name"]).as_deref() == Some(t.as_str()))
                                        .then(|| scalar(&p["containerPort"])?.parse().ok())
                                        .flatten()
                                })
                            }),
                        };
                        (*port, target)
                    })
                    .collect();
                container.service_ports.push(lint_rules::ServicePorts {
                    name: service.clone(),
                    ports,
                });
            }
            for key in ["command", "args"] {
                if let Some(words) = c[key].as_vec() {
                    container.command.extend(words.iter().filter_map(scalar));
                }
            }
            // A `postStart` hook runs in the container once it has started: the folders its
            // command writes into hold something then (the common tutorial's php container
            // runs `cp -r /app/. /var/www/html` so: its scripts are there, not "nothing").
            let hook: Vec<String> = c["lifecycle"]["postStart"]["exec"]["command"]
                .as_vec()
                .into_iter()
                .flatten()
                .filter_map(scalar)
                .collect();
            let script = match hook.as_slice() {
                [shell, flag, script, ..]
                    if shell.ends_with("sh") && flag.starts_with('-') && flag.ends_with('c') =>
                {
                    script.clone()
                }
                words => words.join(" "),
            };
            for dir in crate::dockerfile::run_written_dirs(&script, Path::new("/")) {
                if !container.run_written.contains(&dir) {
                    container.run_written.push(dir);
                }
            }
            if let Some(env) = c["env"].as_vec() {
                for e in env {
                    if let (Some(k), Some(v)) = (scalar(&e["name"]), scalar(&e["value"])) {
                        container.env.insert(k, v);
                    }
                }
            }
            for vm in c["volumeMounts"].as_vec().into_iter().flatten() {
                let vname = scalar(&vm["name"]).unwrap_or_default();
                let Some(mount_path) = scalar(&vm["mountPath"]) else {
                    continue;
                };
                let sub_path = scalar(&vm["subPath"]);
                let volume = volumes
                    .iter()
                    .find(|v| scalar(&v["name"]).as_deref() == Some(&vname));
                let cm_name = volume.and_then(|v| scalar(&v["configMap"]["name"]));
                let why = format!(
                    "{}: volume {vname} → {mount_path}",
                    w.file.strip_prefix(repo).unwrap_or(&w.file).display()
                );
                let Some(cm) = cm_name
                    .as_ref()
                    .and_then(|n| nearest(config_maps.get(n)?, &w.file))
                else {
                    // An emptyDir (or any other volume) is shared by the pod's containers.
                    container.mounts.push(Mount {
                        guessed: false,
                        target: PathBuf::from(&mount_path),
                        source: Source::Shared(format!(
                            "pod:{}:{}:{vname}",
                            w.file.strip_prefix(repo).unwrap_or(&w.file).display(),
                            w.name
                        )),
                        why,
                    });
                    continue;
                };
                // Keys become files (or `items` choose keys and paths).
                let mut files: Vec<(String, String)> = Vec::new();
                match volume.and_then(|v| v["configMap"]["items"].as_vec()) {
                    Some(items) => {
                        for it in items {
                            if let (Some(k), Some(p)) = (scalar(&it["key"]), scalar(&it["path"])) {
                                files.push((k, p));
                            }
                        }
                    }
                    None => files.extend(cm.data.keys().map(|k| (k.clone(), k.clone()))),
                }
                // A volume mounted on a directory (no subPath) replaces what the image has
                // there: the official nginx image's conf.d/default.conf is gone once a
                // ConfigMap is mounted at /etc/nginx/conf.d.
                if sub_path.is_none() {
                    container.mounts.push(Mount {
                        guessed: false,
                        target: PathBuf::from(&mount_path),
                        source: Source::Removed,
                        why: format!("{why}: the volume hides what the image has there"),
                    });
                }
                for (key, path) in files {
                    let Some(text) = cm.data.get(&key) else {
                        continue;
                    };
                    let target = match &sub_path {
                        Some(sp) if *sp == path => PathBuf::from(&mount_path),
                        Some(_) => continue,
                        None => Path::new(&mount_path).join(&path),
                    };
                    if let Some(file) = cm.from_files.get(&key) {
                        container.mounts.push(Mount {
                            guessed: false,
                            target,
                            source: Source::File(file.clone()),
                            why: why.clone(),
                        });
                        continue;
                    }
                    container.mounts.push(Mount {
                        guessed: false,
                        target,
                        source: Source::Bytes {
                            bytes: Arc::from(text.clone().into_bytes()),
                            origin: Arc::from(format!(
                                "ConfigMap {} key {key}",
                                cm_name.clone().unwrap_or_default()
                            )),
                            host: Some(cm.file.clone()),
                            located: cm.located.get(&key).cloned(),
                        },
                        why: why.clone(),
                    });
                }
            }
            containers.push(container);
        }
    }
    if containers.is_empty() {
        return;
    }
    let source = manifests
        .first()
        .map(|m| m.path.parent().unwrap_or(repo).to_path_buf())
        .unwrap_or_else(|| repo.to_path_buf());
    // A Service whose pods are not read here (a workload of a kind this tool does not
    // know, a chart's template) is still a name cluster DNS answers: the names are then
    // not all there is, and "host not found" cannot be claimed.
    let every_service_backed = backed.iter().all(|&b| b);
    let start = out.deployments.len();
    pair(&source, &containers, repo, out, every_service_backed);
    // Services that select no pod of these manifests: cluster DNS answers their names all
    // the same (nginx starts), and no pod is behind them.
    let unbacked: Vec<(&String, &BTreeMap<String, String>)> = services
        .iter()
        .zip(&backed)
        .filter(|((_, selector, _), &backed)| !selector.is_empty() && !backed)
        .map(|((name, selector, _), _)| (name, selector))
        .collect();
    if unbacked.is_empty() {
        return;
    }
    // Beside a pod that runs php-fpm, one of them is the mistake (a selector left at
    // another label: `app: fpm` for a pod labelled `app: php`).
    let fpm_labels: Vec<String> = workloads
        .iter()
        .filter(|w| {
            containers
                .iter()
                .any(|c| c.pod.as_deref() == Some(w.pod_id().as_str()) && c.image.fpm.is_some())
        })
        .map(|w| {
            let labels: Vec<String> = w.labels.iter().map(|(k, v)| format!("{k}: {v}")).collect();
            format!("{} ({})", w.name, labels.join(", "))
        })
        .collect();
    let why: Vec<(String, String)> = if fpm_labels.is_empty() {
        Vec::new()
    } else {
        unbacked
            .iter()
            .map(|(name, selector)| {
                let asked: Vec<String> =
                    selector.iter().map(|(k, v)| format!("{k}: {v}")).collect();
                (
                    (*name).clone(),
                    format!(
                        "its selector ({}) matches no pod of these manifests; php-fpm runs in {}",
                        asked.join(", "),
                        fpm_labels.join(", ")
                    ),
                )
            })
            .collect()
    };
    for d in &mut out.deployments[start..] {
        let mut names: Vec<String> = d.network.all_names.iter().cloned().collect();
        for (name, _) in &unbacked {
            if !names.iter().any(|n| n.eq_ignore_ascii_case(name)) {
                names.push((*name).clone());
            }
        }
        d.network.all_names = names.into();
        d.network.unbacked_services = why.clone();
    }
}

/// Where the Service `name` of a manifest says its `type` (`needle`): searched in that
/// Service's own document, since a file of many (roundcube's: a database's NodePort
/// first) gave the first Service's line for every one; the first match, else 0.
fn service_type_at(text: &str, name: &str, needle: &str) -> usize {
    let mut start = 0;
    let mut documents: Vec<(usize, usize)> = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let bare = line.trim_end();
        if bare == "---" || bare.starts_with("--- ") {
            documents.push((start, offset));
            start = offset;
        }
        offset += line.len();
    }
    documents.push((start, text.len()));
    let named = format!("name: {name}");
    documents
        .iter()
        .map(|&(from, to)| (from, &text[from..to]))
        .find(|(_, doc)| {
            doc.lines().any(|l| l.trim() == "kind: Service")
                && doc.lines().any(|l| {
                    let l = l.trim();
                    l == named || l.strip_prefix(&named).is_some_and(|r| r.starts_with(" #"))
                })
        })
        .and_then(|(from, doc)| doc.find(needle).map(|at| from + at))
        .or_else(|| text.find(needle))
        .unwrap_or(0)
}

/// The ConfigMap of that name closest to the workload's manifest: the same file, else the
/// one sharing the longest directory prefix (the same folder, then the same tree). Repos
/// keep several examples side by side, each with its own `nginx-config`; the last one read
/// used to serve them all.
fn nearest<'c>(candidates: &'c [ConfigMap], workload: &Path) -> Option<&'c ConfigMap> {
    let shared = |cm: &ConfigMap| {
        if cm.file == workload {
            return usize::MAX;
        }
        let (a, b) = (cm.file.parent(), workload.parent());
        match (a, b) {
            (Some(a), Some(b)) => a
                .components()
                .zip(b.components())
                .take_while(|(x, y)| x == y)
                .count(),
            _ => 0,
        }
    };
    // max_by_key keeps the last of equals: among equally near ones, the last read (as before).
    candidates.iter().max_by_key(|cm| shared(cm))
}

fn labels(y: &Yaml) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    if let Some(h) = y.as_hash() {
        for (k, v) in h {
            if let (Some(k), Some(v)) = (scalar(k), scalar(v)) {
                out.insert(k, v);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    /// Each pod pairs with its own php-fpm, and is named by the Services whose selector
    /// its labels match, in the manifest's order, whichever label a selector starts with
    /// (they are looked up by their first label, not asked of every pod); a Service that
    /// selects no pod is one cluster DNS answers with nothing behind it.
    #[test]
    fn pods_pair_with_their_own_php_and_the_services_that_select_them() {
        let dir = tempfile::tempdir().unwrap();
        let mut manifest = String::new();
        for i in 0..3 {
            manifest.push_str(&format!(
                "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: site{i}}}\ndata:\n  default.conf: |\n    server {{\n      listen 80;\n      location ~ \\.php$ {{ include fastcgi_params; fastcgi_pass 127.0.0.1:9000; }}\n    }}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: app{i}}}\nspec:\n  template:\n    metadata:\n      labels: {{app: app{i}, tier: front}}\n    spec:\n      containers:\n        - name: nginx\n          image: nginx:1.25\n          volumeMounts: [{{name: conf, mountPath: /etc/nginx/conf.d}}]\n        - name: php\n          image: php:8.2-fpm\n      volumes: [{{name: conf, configMap: {{name: site{i}}}}}]\n"
            ));
        }
        for (name, selector, kind) in [
            ("front", "{tier: front}", "ClusterIP"),
            ("b-one", "{app: app1, tier: front}", "ClusterIP"),
            ("a-one", "{tier: front, app: app1}", "LoadBalancer"),
            ("nothing", "{app: gone}", "ClusterIP"),
        ] {
            manifest.push_str(&format!(
                "---\napiVersion: v1\nkind: Service\nmetadata: {{name: {name}}}\nspec:\n  type: {kind}\n  selector: {selector}\n  ports: [{{port: 9000}}]\n"
            ));
        }
        std::fs::write(dir.path().join("k8s.yaml"), manifest).unwrap();
        let found = crate::assemble(dir.path());
        let names: Vec<&str> = found.deployments.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "app0/nginx → app0/php",
                "app1/nginx → app1/php",
                "app2/nginx → app2/php"
            ]
        );
        let one = &found.deployments[1].network;
        assert_eq!(one.fpm_names, ["front", "b-one", "a-one"]);
        assert_eq!(
            one.published.iter().map(|p| p.port).collect::<Vec<_>>(),
            [9000]
        );
        assert_eq!(found.deployments[0].network.fpm_names, ["front"]);
        assert!(found.deployments[0].network.published.is_empty());
        for d in &found.deployments {
            assert_eq!(d.network.unbacked_services.len(), 1, "{}", d.name);
            assert!(d.network.all_names.iter().any(|n| n == "nothing"));
            // A Service not read here could be backed elsewhere: names not all known.
            assert!(!d.network.closed);
        }
    }
}
