//! Images a repository's CI builds: a production Compose file often runs
//! `image: ${REGISTRY}/${PHP_IMAGE_NAME}:${TAG}` that a GitHub workflow builds from
//! `docker/php/Dockerfile` (`docker/build-push-action`, or `docker build -f ... -t ...` in
//! a `run:` step, a GitLab `script:` or a Makefile). Without the link the two services
//! are images nobody knows, and nginx and php-fpm are never cross-checked (triage 16a:
//! Dommmin/laravel-production).
//!
//! Image names are compared by [`image_key`]: variables of either syntax (`${{ env.X }}`,
//! `${X:-d}`, `$X`) become `{X}` and the tag is dropped, so the Compose file and the
//! workflow need not agree on values nobody set.

use std::path::{Path, PathBuf};

use yaml_rust2::Yaml;

/// One image a CI step builds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CiBuild {
    /// [`image_key`] of one of its tags.
    pub key: String,
    /// That tag, when it is written out (`latest-fpm`); `None` when a variable or nothing
    /// names it.
    pub tag: Option<String>,
    /// The build context, in the repository.
    pub context: PathBuf,
    /// The Dockerfile, in the repository.
    pub dockerfile: PathBuf,
    /// The file that says so, relative to the repository.
    pub source: String,
}

/// Options of `docker build` that take a value as the next word (the context is the one
/// positional word).
const VALUED: &[&str] = &[
    "--build-arg",
    "--target",
    "--platform",
    "--cache-from",
    "--cache-to",
    "--label",
    "--secret",
    "--ssh",
    "--network",
    "--progress",
    "--output",
    "-o",
    "--build-context",
    "--iidfile",
    "--metadata-file",
    "--add-host",
    "--shm-size",
    "--ulimit",
    "--attest",
    "--provenance",
    "--sbom",
];

/// An image reference reduced to what a Compose file and a CI step can agree on: variables
/// as `{NAME}`, no tag, no digest, lower case. `None` for an empty reference.
///
/// ```
/// use deployment::ci_builds::image_key;
/// assert_eq!(
///     image_key("${{ env.REGISTRY }}/${{ env.PHP_IMAGE_NAME }}:latest"),
///     image_key("${REGISTRY}/${PHP_IMAGE_NAME}:${TAG:-latest}"),
/// );
/// assert_eq!(image_key("ghcr.io/acme/app:1.2"), Some("ghcr.io/acme/app".into()));
/// assert_ne!(image_key("acme/app-php"), image_key("acme/app-nginx"));
/// ```
pub fn image_key(reference: &str) -> Option<String> {
    image_key_and_tag(reference).map(|(key, _)| key)
}

/// [`image_key`] and the reference's tag when it is written out (no variable in it).
///
/// ```
/// use deployment::ci_builds::image_key_and_tag;
/// assert_eq!(
///     image_key_and_tag("roundcube/roundcubemail:latest-fpm"),
///     Some(("roundcube/roundcubemail".into(), Some("latest-fpm".into())))
/// );
/// assert_eq!(image_key_and_tag("${REGISTRY}/app:${TAG:-latest}").and_then(|k| k.1), None);
/// assert_eq!(image_key_and_tag("acme/app").and_then(|k| k.1), None);
/// ```
pub fn image_key_and_tag(reference: &str) -> Option<(String, Option<String>)> {
    let reference = reference.trim();
    let without_digest = reference.split('@').next().unwrap_or(reference);
    let literal_tag = match without_digest.rfind(':') {
        Some(colon) if !without_digest[colon..].contains('/') => {
            let tag = &without_digest[colon + 1..];
            (!tag.is_empty() && !tag.contains(['$', '{', '}'])).then(|| tag.to_ascii_lowercase())
        }
        _ => None,
    };
    Some((image_name_key(reference)?, literal_tag))
}

fn image_name_key(reference: &str) -> Option<String> {
    let mut out = String::new();
    let bytes = reference.trim();
    let mut rest = bytes;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        if let Some(inner) = tail.strip_prefix("${{") {
            // `${{ env.NAME }}`, `${{ secrets.NAME }}`, `${{ NAME }}`.
            let Some(end) = inner.find("}}") else { break };
            let expr = inner[..end].trim();
            let name = expr.rsplit('.').next().unwrap_or(expr);
            out.push_str(&format!("{{{name}}}"));
            rest = &inner[end + 2..];
        } else if let Some(inner) = tail.strip_prefix("${") {
            let Some(end) = inner.find('}') else { break };
            let expr = &inner[..end];
            let name = expr.split([':', '-', '?', '+']).next().unwrap_or(expr);
            out.push_str(&format!("{{{name}}}"));
            rest = &inner[end + 1..];
        } else {
            let name_len = tail[1..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(tail.len() - 1);
            out.push_str(&format!("{{{}}}", &tail[1..1 + name_len]));
            rest = &tail[1 + name_len..];
        }
    }
    out.push_str(rest);
    let without_digest = out.split('@').next().unwrap_or(&out).to_string();
    // The tag: after the last `:` that follows the last `/` (a registry port comes before).
    let name = match without_digest.rfind(':') {
        Some(colon) if without_digest[colon..].find('/').is_none() => &without_digest[..colon],
        _ => &without_digest[..],
    };
    let name = name.trim().to_ascii_lowercase();
    (!name.is_empty() && name != "/").then_some(name)
}

/// The one Dockerfile CI builds `reference` from: names equal and, when both tags are
/// written out, tags equal (`roundcube/roundcubemail:latest-fpm` is not the
/// `:development` build). `None` when nothing, or more than one Dockerfile, matches.
pub fn build_of<'b>(builds: &'b [CiBuild], reference: &str) -> Option<&'b CiBuild> {
    let (key, tag) = image_key_and_tag(reference)?;
    let mut matching = builds.iter().filter(|b| {
        b.key == key
            && match (&tag, &b.tag) {
                (Some(a), Some(b)) => a == b,
                _ => true,
            }
    });
    let first = matching.next()?;
    matching
        .all(|b| b.dockerfile == first.dockerfile)
        .then_some(first)
}

/// Every image the repository's CI files build: GitHub workflows, `.gitlab-ci.yml`,
/// Makefiles at the top.
pub fn find(repo: &Path) -> Vec<CiBuild> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(repo.join(".github/workflows"))
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "yml" || x == "yaml"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files.extend(
        [".gitlab-ci.yml", "Makefile", "makefile", "GNUmakefile"]
            .iter()
            .map(|n| repo.join(n))
            .filter(|p| p.is_file()),
    );
    let mut out = Vec::new();
    for file in files {
        // CI files are small; a large one is not read (a generated monster is no help).
        if std::fs::metadata(&file).is_ok_and(|m| m.len() > 1 << 20) {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        let source = file
            .strip_prefix(repo)
            .unwrap_or(&file)
            .display()
            .to_string();
        let yaml = file.extension().is_some_and(|x| x == "yml" || x == "yaml");
        if yaml {
            if let Ok(docs) = crate::bounded_yaml::load(&text) {
                for doc in &docs {
                    build_push_actions(doc, repo, &source, &mut out);
                }
            }
        }
        // `docker build` lines: in `run:` and `script:` blocks, and Makefile recipes.
        for line in text.lines() {
            docker_build_line(line, repo, &source, &mut out);
        }
    }
    out.dedup();
    out
}

/// `uses: docker/build-push-action@vN` steps anywhere in a workflow.
fn build_push_actions(doc: &Yaml, repo: &Path, source: &str, out: &mut Vec<CiBuild>) {
    let mut stack = vec![doc];
    while let Some(y) = stack.pop() {
        match y {
            Yaml::Hash(map) => {
                let uses = map
                    .get(&Yaml::String("uses".into()))
                    .and_then(Yaml::as_str)
                    .unwrap_or("");
                if uses.starts_with("docker/build-push-action") {
                    let with = &y["with"];
                    let text = |k: &str| with[k].as_str().map(str::to_string);
                    let context = text("context")
                        .filter(|c| !c.contains("{{"))
                        .unwrap_or_else(|| ".".into());
                    let context = lint_source::vfs::normalize(&repo.join(&context));
                    let dockerfile = text("file")
                        .map(|f| lint_source::vfs::normalize(&repo.join(f)))
                        .unwrap_or_else(|| context.join("Dockerfile"));
                    let tags = text("tags").unwrap_or_default();
                    push_tags(tags.split(['\n', ',']), &context, &dockerfile, source, out);
                }
                stack.extend(map.values());
            }
            Yaml::Array(list) => stack.extend(list.iter()),
            _ => {}
        }
    }
}

/// A `docker build` (or `docker buildx build`) command on one line.
fn docker_build_line(line: &str, repo: &Path, source: &str, out: &mut Vec<CiBuild>) {
    let Some(at) = line
        .find("docker build ")
        .map(|i| i + "docker build ".len())
        .or_else(|| {
            line.find("docker buildx build ")
                .map(|i| i + "docker buildx build ".len())
        })
    else {
        return;
    };
    // The command ends at a shell separator.
    let command = line[at..]
        .split(['&', ';', '|'])
        .next()
        .unwrap_or("")
        .trim_end_matches('\\');
    let words = crate::supervisord::words(command);
    let (mut file, mut tags, mut context) = (None, Vec::new(), None);
    let mut it = words.iter();
    while let Some(w) = it.next() {
        let (flag, inline) = match w.split_once('=') {
            Some((f, v)) if f.starts_with('-') => (f, Some(v.to_string())),
            _ => (w.as_str(), None),
        };
        let mut value = || inline.clone().or_else(|| it.next().cloned());
        match flag {
            "-f" | "--file" => file = value(),
            "-t" | "--tag" => tags.extend(value()),
            f if VALUED.contains(&f) => {
                value();
            }
            f if f.starts_with('-') => {}
            _ => context = Some(w.clone()),
        }
    }
    let Some(context) = context.filter(|c| !c.contains("://") && !c.starts_with('$')) else {
        return;
    };
    let context = lint_source::vfs::normalize(&repo.join(context));
    let dockerfile = file
        .filter(|f| !f.starts_with('$'))
        .map(|f| lint_source::vfs::normalize(&repo.join(f)))
        .unwrap_or_else(|| context.join("Dockerfile"));
    push_tags(
        tags.iter().map(String::as_str),
        &context,
        &dockerfile,
        source,
        out,
    );
}

/// One build per tag of a build step.
fn push_tags<'t>(
    tags: impl Iterator<Item = &'t str>,
    context: &Path,
    dockerfile: &Path,
    source: &str,
    out: &mut Vec<CiBuild>,
) {
    for (key, tag) in tags.filter_map(image_key_and_tag) {
        out.push(CiBuild {
            key,
            tag,
            context: context.to_path_buf(),
            dockerfile: dockerfile.to_path_buf(),
            source: source.to_string(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workflow_steps_and_command_lines_name_their_dockerfiles() {
        let dir = tempfile::tempdir().expect("tmp");
        let repo = dir.path();
        std::fs::create_dir_all(repo.join(".github/workflows")).expect("mkdir");
        std::fs::write(
            repo.join(".github/workflows/build.yml"),
            "env:\n  REGISTRY: ghcr.io\n  PHP_IMAGE_NAME: acme/php\njobs:\n  build:\n    steps:\n      - uses: docker/build-push-action@v5\n        with:\n          context: .\n          file: docker/php/Dockerfile\n          push: true\n          tags: |\n            ${{ env.REGISTRY }}/${{ env.PHP_IMAGE_NAME }}:latest\n            ${{ env.REGISTRY }}/${{ env.PHP_IMAGE_NAME }}:${{ github.sha }}\n      - run: docker build --build-arg X=1 -t acme/nginx:1.0 -f docker/nginx/Dockerfile docker/nginx && docker push acme/nginx:1.0\n",
        )
        .expect("write");
        std::fs::write(
            repo.join("Makefile"),
            "build:\n\tdocker buildx build --platform linux/amd64 --tag=acme/worker .\n",
        )
        .expect("write");
        let found = find(repo);
        let by_key = |k: &str| found.iter().find(|b| b.key == k).cloned();
        let php = by_key("{registry}/{php_image_name}").expect("the action's tags");
        assert_eq!(php.dockerfile, repo.join("docker/php/Dockerfile"));
        assert_eq!(php.context, repo.to_path_buf());
        assert_eq!(php.source, ".github/workflows/build.yml");
        let nginx = by_key("acme/nginx").expect("the run line");
        assert_eq!(nginx.dockerfile, repo.join("docker/nginx/Dockerfile"));
        assert_eq!(nginx.context, repo.join("docker/nginx"));
        let worker = by_key("acme/worker").expect("the Makefile");
        assert_eq!(worker.dockerfile, repo.join("Dockerfile"));
        // Two tags of one image, one Dockerfile: a reference with either tag, or none
        // written out, is that build.
        assert_eq!(
            found
                .iter()
                .filter(|b| b.key == "{registry}/{php_image_name}")
                .count(),
            2
        );
        for reference in [
            "${REGISTRY}/${PHP_IMAGE_NAME}:${TAG:-latest}",
            "${REGISTRY}/${PHP_IMAGE_NAME}:latest",
        ] {
            let b = build_of(&found, reference).expect(reference);
            assert_eq!(b.dockerfile, repo.join("docker/php/Dockerfile"));
        }
    }

    #[test]
    fn written_out_tags_must_agree_and_ambiguous_names_pair_nothing() {
        let build = |key: &str, tag: Option<&str>, file: &str| CiBuild {
            key: key.into(),
            tag: tag.map(str::to_string),
            context: PathBuf::from("/r"),
            dockerfile: PathBuf::from(file),
            source: "ci.yml".into(),
        };
        let builds = [
            build(
                "roundcube/roundcubemail",
                Some("development"),
                "/r/development/Dockerfile",
            ),
            build("{registry}/app", None, "/r/docker/php/Dockerfile"),
            build("acme/two", Some("a"), "/r/a/Dockerfile"),
            build("acme/two", Some("b"), "/r/b/Dockerfile"),
        ];
        assert!(build_of(&builds, "roundcube/roundcubemail:latest-fpm").is_none());
        assert!(build_of(&builds, "roundcube/roundcubemail:development").is_some());
        assert!(build_of(&builds, "${REGISTRY}/app:1.2").is_some());
        assert!(
            build_of(&builds, "acme/two:b").is_some_and(|b| b.dockerfile.ends_with("b/Dockerfile"))
        );
        // No tag written: two Dockerfiles could be meant.
        assert!(build_of(&builds, "acme/two").is_none());
    }

    #[test]
    fn keys_keep_registry_ports_and_drop_tags_and_digests() {
        assert_eq!(
            image_key("registry.local:5000/app:2"),
            Some("registry.local:5000/app".into())
        );
        assert_eq!(
            image_key("registry.local:5000/app"),
            Some("registry.local:5000/app".into())
        );
        assert_eq!(image_key("app@sha256:abc"), Some("app".into()));
        assert_eq!(
            image_key("$REGISTRY/app:$TAG"),
            Some("{registry}/app".into())
        );
        assert_eq!(image_key("/:latest"), None);
        assert_eq!(image_key(""), None);
    }
}
