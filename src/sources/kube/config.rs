//! Which cluster to talk to, found the way kubectl finds it:
//!
//! 1. `$KUBECONFIG`, a list of files (`:`-separated): the files that exist
//!    are merged in order (the first to set a value or a named entry wins;
//!    missing files are skipped, as kubectl skips them);
//! 2. otherwise `~/.kube/config`;
//! 3. with no kubeconfig at all (and no `--context`), the in-cluster
//!    service account (`KUBERNETES_SERVICE_HOST`, the token and CA under
//!    `/var/run/secrets/kubernetes.io/serviceaccount`).
//!
//! `--context` picks a context; otherwise the kubeconfig's
//! `current-context`. Every failure is a sentence that says which file and
//! what is wrong, for the pods pane.

use kube::config::{KubeConfigOptions, Kubeconfig};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Connecting must not take longer than this; the source then retries.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Where the kubeconfig comes from: the process environment, or a test's.
#[derive(Clone, Debug, Default)]
pub struct Env {
    pub kubeconfig: Option<OsString>,
    pub home: Option<PathBuf>,
    /// `KUBERNETES_SERVICE_HOST` is set: in-cluster config may be used.
    pub in_cluster: bool,
}

impl Env {
    pub fn from_process() -> Self {
        Self {
            kubeconfig: std::env::var_os("KUBECONFIG"),
            home: std::env::var_os("HOME").map(PathBuf::from),
            in_cluster: std::env::var_os("KUBERNETES_SERVICE_HOST").is_some(),
        }
    }
}

/// A configuration ready for a client, and what it names.
#[derive(Clone, Debug)]
pub struct Loaded {
    pub config: kube::Config,
    /// The context used, or `in-cluster`.
    pub context: String,
    pub server: String,
}

/// The kubeconfig files to read, in order, and whether `$KUBECONFIG` named
/// them.
fn candidate_files(env: &Env) -> (Vec<PathBuf>, bool) {
    if let Some(list) = &env.kubeconfig {
        let paths: Vec<PathBuf> = std::env::split_paths(list)
            .filter(|p| !p.as_os_str().is_empty())
            .collect();
        if !paths.is_empty() {
            return (paths, true);
        }
    }
    let home = env
        .home
        .clone()
        .map(|h| h.join(".kube").join("config"))
        .into_iter()
        .collect();
    (home, false)
}

fn list(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The merged kubeconfig and the files it came from (none: no kubeconfig).
pub fn read_kubeconfig(env: &Env) -> Result<(Kubeconfig, Vec<PathBuf>), String> {
    let (paths, from_env) = candidate_files(env);
    let mut merged: Option<Kubeconfig> = None;
    let mut read = Vec::new();
    for p in &paths {
        if !p.exists() {
            continue;
        }
        let kc = Kubeconfig::read_from(p)
            .map_err(|e| format!("kubeconfig {}: {}", p.display(), chain(&e)))?;
        merged = Some(match merged {
            None => kc,
            Some(m) => m
                .merge(kc)
                .map_err(|e| format!("kubeconfig {}: {}", p.display(), chain(&e)))?,
        });
        read.push(p.clone());
    }
    match merged {
        Some(kc) => Ok((kc, read)),
        None if paths.is_empty() => Ok((Kubeconfig::default(), Vec::new())),
        None if from_env => Err(format!(
            "no kubeconfig: none of the files in $KUBECONFIG exists ({})",
            list(&paths)
        )),
        None => Ok((Kubeconfig::default(), Vec::new())),
    }
}

fn is_empty(kc: &Kubeconfig) -> bool {
    kc.contexts.is_empty() && kc.clusters.is_empty() && kc.current_context.is_none()
}

/// The context name, the server and a client configuration.
pub async fn load(env: &Env, context: Option<&str>) -> Result<Loaded, String> {
    let (kc, files) = read_kubeconfig(env)?;
    if is_empty(&kc) && context.is_none() {
        if env.in_cluster {
            let mut config = kube::Config::incluster()
                .map_err(|e| format!("in-cluster config: {}", chain(&e)))?;
            config.connect_timeout = Some(CONNECT_TIMEOUT);
            let server = config.cluster_url.to_string();
            return Ok(Loaded {
                config,
                context: "in-cluster".into(),
                server,
            });
        }
        let (paths, _) = candidate_files(env);
        return Err(match files.is_empty() {
            true => format!(
                "no kubeconfig: {} does not exist, $KUBECONFIG is not set, and this is not a pod in a cluster (no KUBERNETES_SERVICE_HOST)",
                match paths.first() {
                    None => "~/.kube/config ($HOME is not set)".to_string(),
                    Some(p) => tilde(p, env.home.as_deref()),
                }
            ),
            false => format!("kubeconfig {} defines no context", list(&files)),
        });
    }
    let names: Vec<&str> = kc.contexts.iter().map(|c| c.name.as_str()).collect();
    let has = if names.is_empty() {
        "it has none".to_string()
    } else {
        format!("it has: {}", names.join(", "))
    };
    let where_ = if files.is_empty() {
        "no kubeconfig file".to_string()
    } else {
        list(&files)
    };
    let name = match context.map(str::to_string).or(kc.current_context.clone()) {
        Some(n) if !n.is_empty() => n,
        _ => {
            return Err(format!(
                "kubeconfig {where_} sets no current-context and no --context was given ({has})"
            ));
        }
    };
    if !names.contains(&name.as_str()) {
        return Err(format!(
            "context {name:?} is not in the kubeconfig ({where_}; {has})"
        ));
    }
    let options = KubeConfigOptions {
        context: Some(name.clone()),
        ..Default::default()
    };
    let mut config = kube::Config::from_custom_kubeconfig(kc, &options)
        .await
        .map_err(|e| format!("context {name:?} in {where_}: {}", chain(&e)))?;
    config.connect_timeout = Some(CONNECT_TIMEOUT);
    let server = config.cluster_url.to_string();
    Ok(Loaded {
        config,
        context: name,
        server: server.trim_end_matches('/').to_string(),
    })
}

/// An error and its causes as one line, without repeats: wrappers often
/// print their source again.
pub fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        let text = err.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        cur = err.source();
    }
    // Keep the most specific wording: drop a part the next one repeats.
    let mut out: Vec<String> = Vec::new();
    for p in parts {
        if let Some(last) = out.last()
            && p.contains(last.as_str())
        {
            out.pop();
        }
        out.push(p);
    }
    out.join(": ")
}

/// A path for messages, `~` for the home directory.
pub fn tilde(p: &Path, home: Option<&Path>) -> String {
    match home.and_then(|h| p.strip_prefix(h).ok()) {
        Some(rest) => format!("~/{}", rest.display()),
        None => p.display().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    fn kubeconfig(current: Option<&str>, contexts: &[(&str, &str)]) -> String {
        let mut s = String::from("apiVersion: v1\nkind: Config\n");
        if let Some(c) = current {
            s.push_str(&format!("current-context: {c}\n"));
        }
        s.push_str("clusters:\n");
        for (name, server) in contexts {
            s.push_str(&format!(
                "- name: {name}\n  cluster: {{server: \"{server}\"}}\n"
            ));
        }
        s.push_str("users:\n- name: u\n  user: {}\ncontexts:\n");
        for (name, _) in contexts {
            s.push_str(&format!(
                "- name: {name}\n  context: {{cluster: {name}, user: u}}\n"
            ));
        }
        s
    }

    fn env_with(kubeconfig: Option<OsString>, home: Option<&Path>) -> Env {
        Env {
            kubeconfig,
            home: home.map(Path::to_path_buf),
            in_cluster: false,
        }
    }

    #[tokio::test]
    async fn kubeconfig_list_first_file_wins_and_missing_files_are_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let a = write(
            dir.path(),
            "a",
            &kubeconfig(Some("prod"), &[("prod", "https://a.example:6443")]),
        );
        let b = write(
            dir.path(),
            "b",
            &kubeconfig(
                Some("dev"),
                &[
                    ("prod", "https://b.example"),
                    ("dev", "https://dev.example"),
                ],
            ),
        );
        let missing = dir.path().join("missing");
        let list = std::env::join_paths([&missing, &a, &b]).unwrap();
        let env = env_with(Some(list), None);
        let l = load(&env, None).await.unwrap();
        assert_eq!(l.context, "prod");
        assert_eq!(l.server, "https://a.example:6443");
        let l = load(&env, Some("dev")).await.unwrap();
        assert_eq!(l.server, "https://dev.example");
    }

    #[tokio::test]
    async fn home_config_is_the_default() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join(".kube")).unwrap();
        write(
            &dir.path().join(".kube"),
            "config",
            &kubeconfig(Some("c"), &[("c", "http://127.0.0.1:1")]),
        );
        let l = load(&env_with(None, Some(dir.path())), None).await.unwrap();
        assert_eq!(
            (l.context.as_str(), l.server.as_str()),
            ("c", "http://127.0.0.1:1")
        );
        // An empty $KUBECONFIG means the default too, as for kubectl.
        let l = load(&env_with(Some("".into()), Some(dir.path())), None)
            .await
            .unwrap();
        assert_eq!(l.context, "c");
    }

    #[tokio::test]
    async fn failures_say_which_and_why() {
        let dir = tempfile::tempdir().unwrap();
        let e = load(&env_with(None, Some(dir.path())), None)
            .await
            .unwrap_err();
        assert!(e.starts_with("no kubeconfig:"), "{e}");
        assert!(e.contains(".kube/config does not exist"), "{e}");

        let gone = dir.path().join("gone");
        let e = load(&env_with(Some(gone.clone().into()), None), None)
            .await
            .unwrap_err();
        assert!(e.contains("none of the files in $KUBECONFIG exists"), "{e}");

        let a = write(
            dir.path(),
            "a",
            &kubeconfig(
                Some("prod"),
                &[("prod", "https://a"), ("stage", "https://s")],
            ),
        );
        let e = load(&env_with(Some(a.clone().into()), None), Some("nope"))
            .await
            .unwrap_err();
        assert!(
            e.contains("context \"nope\" is not in the kubeconfig"),
            "{e}"
        );
        assert!(e.contains("it has: prod, stage"), "{e}");

        let nc = write(dir.path(), "nc", &kubeconfig(None, &[("x", "https://x")]));
        let e = load(&env_with(Some(nc.into()), None), None)
            .await
            .unwrap_err();
        assert!(e.contains("sets no current-context"), "{e}");

        let bad = write(dir.path(), "bad", "clusters: [: nope");
        let e = load(&env_with(Some(bad.into()), None), None)
            .await
            .unwrap_err();
        assert!(e.starts_with("kubeconfig ") && e.contains("bad"), "{e}");
    }

    #[tokio::test]
    async fn no_kubeconfig_in_a_pod_means_the_service_account() {
        // In a pod (KUBERNETES_SERVICE_HOST set) with no kubeconfig, kubectl
        // uses the service account; here there is none, and that is said.
        let dir = tempfile::tempdir().unwrap();
        let env = Env {
            kubeconfig: None,
            home: Some(dir.path().to_path_buf()),
            in_cluster: true,
        };
        let e = load(&env, None).await.unwrap_err();
        assert!(e.starts_with("in-cluster config:"), "{e}");
        // With --context, a kubeconfig is required: no fallback.
        let e = load(&env, Some("prod")).await.unwrap_err();
        assert!(
            e.contains("context \"prod\" is not in the kubeconfig"),
            "{e}"
        );
    }

    #[test]
    fn chains_drop_repeats() {
        #[derive(Debug)]
        struct E(&'static str, Option<Box<E>>);
        impl std::fmt::Display for E {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.0)
            }
        }
        impl std::error::Error for E {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                self.1.as_deref().map(|e| e as _)
            }
        }
        let e = E(
            "list failed: client error",
            Some(Box::new(E(
                "client error",
                Some(Box::new(E("connection refused", None))),
            ))),
        );
        assert_eq!(chain(&e), "list failed: client error: connection refused");
    }
}
