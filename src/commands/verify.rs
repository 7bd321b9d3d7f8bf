//! `verify`: is an incident's timeline as it was written (its hash chain),
//! and is an export signed by someone trusted (`export --sign`, through the
//! system's `ssh-keygen -Y`; no key handling of our own).

use super::export::{Chosen, choose};
use crate::timeline::chain::{self, Verdict};
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

/// The namespace signatures are made in: a signature for something else
/// (a git commit, a file) does not pass for an export.
pub const NAMESPACE: &str = "incident-cockpit";

/// Exit codes a script can use.
const NOT_AS_WRITTEN: u8 = 1;
const PREDATES: u8 = 3;

/// `verify [ID]`: checks the timeline's chain and says how it stands.
pub fn chain(state_dir: &Path, id: Option<&str>) -> Result<ExitCode> {
    let Chosen { id, path } = choose(state_dir, id)?;
    let bytes = std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
    let report = chain::verify(&chain::incident_of(&path), &bytes);
    println!(
        "{id} ({}): {}",
        path.display(),
        crate::sanitize::clean(&report.describe())
    );
    Ok(match report.verdict {
        Verdict::Intact { .. } => ExitCode::SUCCESS,
        Verdict::Broken { .. } => ExitCode::from(NOT_AS_WRITTEN),
        Verdict::Predates { .. } => ExitCode::from(PREDATES),
    })
}

/// `export --sign`: signs the export just written with the user's SSH key;
/// the signature goes to FILE.sig.
pub fn sign(file: &Path, key: Option<&Path>) -> Result<ExitCode> {
    let key = match key {
        Some(k) => k.to_path_buf(),
        None => default_key()?,
    };
    let sig = sig_path(file);
    // It was made for what the file held before: not a signature of it.
    let _ = std::fs::remove_file(&sig);
    let out = Command::new("ssh-keygen")
        .args(["-Y", "sign", "-n", NAMESPACE, "-f"])
        .arg(&key)
        .arg(file)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .map_err(no_ssh_keygen)?;
    if !out.status.success() {
        bail!(
            "ssh-keygen could not sign {} with {}: {}",
            file.display(),
            key.display(),
            said(&out.stderr)
        );
    }
    eprintln!(
        "{}: signed with {} (check it with `incident-cockpit verify --signature {} \
         --allowed-signers FILE`)",
        sig.display(),
        key.display(),
        sig.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// `verify --signature SIG --allowed-signers FILE`: whether the export was
/// signed, unchanged since, by someone in the allowed signers file.
pub fn signature(sig: &Path, allowed: &Path, file: Option<&Path>) -> Result<ExitCode> {
    let file = match file {
        Some(f) => f.to_path_buf(),
        None => signed_file(sig)?,
    };
    for p in [sig, allowed, file.as_path()] {
        if !p.is_file() {
            bail!("{} is not a file", p.display());
        }
    }
    let found = Command::new("ssh-keygen")
        .args(["-Y", "find-principals", "-s"])
        .arg(sig)
        .arg("-f")
        .arg(allowed)
        .stdin(Stdio::null())
        .output()
        .map_err(no_ssh_keygen)?;
    let principals: Vec<String> = String::from_utf8_lossy(&found.stdout)
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect();
    if principals.is_empty() {
        println!(
            "BAD: {} is not signed by anyone in {} ({})",
            file.display(),
            allowed.display(),
            said(&found.stderr)
        );
        return Ok(ExitCode::from(NOT_AS_WRITTEN));
    }
    let mut why = String::new();
    for p in &principals {
        let input = std::fs::File::open(&file)
            .with_context(|| format!("cannot read {}", file.display()))?;
        let out = Command::new("ssh-keygen")
            .args(["-Y", "verify", "-n", NAMESPACE, "-f"])
            .arg(allowed)
            .arg("-I")
            .arg(p)
            .arg("-s")
            .arg(sig)
            .stdin(input)
            .output()
            .map_err(no_ssh_keygen)?;
        if out.status.success() {
            println!(
                "Good signature: {} was signed by {} and is unchanged since ({})",
                file.display(),
                crate::sanitize::clean(p),
                said(&out.stdout)
            );
            return Ok(ExitCode::SUCCESS);
        }
        why = said(&out.stderr);
    }
    println!(
        "BAD: {} does not match its signature {} (changed since it was signed, or not \
         signed by {}): {why}",
        file.display(),
        sig.display(),
        crate::sanitize::clean(&principals.join(", "))
    );
    Ok(ExitCode::from(NOT_AS_WRITTEN))
}

fn sig_path(file: &Path) -> PathBuf {
    let mut s = file.as_os_str().to_owned();
    s.push(".sig");
    PathBuf::from(s)
}

fn signed_file(sig: &Path) -> Result<PathBuf> {
    let s = sig.to_string_lossy();
    match s.strip_suffix(".sig") {
        Some(f) if !f.is_empty() => Ok(PathBuf::from(f)),
        _ => bail!(
            "{} does not end in .sig: say which file it signs with --file",
            sig.display()
        ),
    }
}

/// The first of the usual keys that exists.
fn default_key() -> Result<PathBuf> {
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_default();
    let tried: Vec<PathBuf> = ["id_ed25519", "id_ecdsa", "id_rsa"]
        .iter()
        .map(|k| home.join(".ssh").join(k))
        .collect();
    tried.iter().find(|p| p.is_file()).cloned().ok_or_else(|| {
        anyhow::anyhow!(
            "no SSH key to sign with: none of {} exists; pass --key KEY (or make one with \
             `ssh-keygen -t ed25519`)",
            tried
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )
    })
}

fn no_ssh_keygen(e: std::io::Error) -> anyhow::Error {
    if e.kind() == std::io::ErrorKind::NotFound {
        anyhow::anyhow!(
            "ssh-keygen is not installed: install OpenSSH's client (Debian: `apt-get install \
             openssh-client`)"
        )
    } else {
        anyhow::anyhow!("cannot run ssh-keygen: {e}")
    }
}

/// What ssh-keygen said, on one line, inert.
fn said(b: &[u8]) -> String {
    let s = String::from_utf8_lossy(b);
    crate::sanitize::clean(s.split_whitespace().collect::<Vec<_>>().join(" ").trim()).into_owned()
}
