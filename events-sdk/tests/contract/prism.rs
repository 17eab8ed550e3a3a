//! Finding (or installing) Stoplight Prism and running `prism mock` for the
//! duration of the suite.
//!
//! Prism is pinned in `contract/package.json` + `contract/package-lock.json`
//! and installed project-locally with `npm ci` into `contract/node_modules/`.

use std::fs::File;
use std::io::Write as _;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long Prism may take to answer its first request.
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// How many free ports to try when Prism loses the race for one.
const START_ATTEMPTS: usize = 3;

/// The workspace root (`events-sdk/..`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("events-sdk has a parent directory").to_path_buf()
}

/// `contract/`, the folder holding `package.json` and `package-lock.json`.
pub fn contract_dir() -> PathBuf {
    workspace_root().join("contract")
}

fn prism_bin() -> PathBuf {
    let name = if cfg!(windows) { "prism.cmd" } else { "prism" };
    contract_dir().join("node_modules").join(".bin").join(name)
}

/// Writes a line straight to the process' stderr, which `cargo test` does
/// not capture, so skips and TODOs are visible without `--nocapture`.
pub fn notice(line: &str) {
    let _ = writeln!(std::io::stderr(), "{line}");
}

fn env_is_true(name: &str) -> bool {
    std::env::var(name).is_ok_and(|v| !matches!(v.trim().to_ascii_lowercase().as_str(), "" | "0" | "false" | "no"))
}

/// The Prism executable, installing it with `npm ci` when it is missing and
/// `CI` or `EVENTS_SDK_CONTRACT=1` is set. `Ok(None)`: skip the suite (the
/// reason has been printed).
pub fn locate_or_install() -> Result<Option<PathBuf>, String> {
    let bin = prism_bin();
    if bin.exists() {
        return Ok(Some(bin));
    }
    let wanted = env_is_true("CI") || env_is_true("EVENTS_SDK_CONTRACT");
    if !wanted {
        notice(&format!(
            "contract: SKIPPED, Stoplight Prism is not installed ({} is missing). \
             Install it with `cd contract && npm ci`, or set EVENTS_SDK_CONTRACT=1 \
             (or CI=true, as CI systems do) to let this test run `npm ci` itself.",
            bin.display()
        ));
        return Ok(None);
    }
    let dir = contract_dir();
    let npm = if cfg!(windows) { "npm.cmd" } else { "npm" };
    notice(&format!("contract: Prism is missing; running `npm ci --no-audit --no-fund` in {}", dir.display()));
    let started = Instant::now();
    let output = Command::new(npm)
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(&dir)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run `{npm} ci` in {} (is Node.js/npm installed?): {e}", dir.display()))?;
    if !output.status.success() {
        return Err(format!(
            "`{npm} ci` in {} failed ({}):\n--- stdout\n{}\n--- stderr\n{}",
            dir.display(),
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    if !bin.exists() {
        return Err(format!("`{npm} ci` succeeded but {} still does not exist", bin.display()));
    }
    notice(&format!("contract: installed Prism in {:.1}s", started.elapsed().as_secs_f64()));
    Ok(Some(bin))
}

/// `prism --version`.
pub fn version(bin: &Path) -> String {
    match Command::new(bin).arg("--version").stdin(Stdio::null()).output() {
        Ok(out) if out.status.success() => String::from_utf8_lossy(&out.stdout).trim().to_owned(),
        Ok(out) => format!("unknown (`prism --version` exited with {})", out.status),
        Err(e) => format!("unknown (`prism --version` failed: {e})"),
    }
}

/// A running `prism mock`; dropping it kills the process (also when the
/// test panics).
pub struct Prism {
    child: Child,
    base_url: String,
    stdout_log: PathBuf,
    stderr_log: PathBuf,
    /// Set when Prism failed to start, so its logs outlive it.
    keep_logs: bool,
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        // Keep the logs of a failed run for inspection; drop the others.
        if !self.keep_logs && !std::thread::panicking() {
            let _ = std::fs::remove_file(&self.stdout_log);
            let _ = std::fs::remove_file(&self.stderr_log);
        }
    }
}

/// A port that was free a moment ago (bound to 127.0.0.1:0, then released).
fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("cannot bind 127.0.0.1:0");
    listener.local_addr().expect("bound listener has an address").port()
}

impl Prism {
    /// Starts `prism mock <spec>` on a free loopback port, with request
    /// validation on and `--errors`, and waits until it answers.
    pub async fn start(bin: &Path, spec: &Path) -> Result<Prism, String> {
        let mut last_error = String::new();
        for attempt in 1..=START_ATTEMPTS {
            let port = free_port();
            let mut prism = Self::spawn(bin, spec, port)?;
            let ready = prism.wait_until_ready().await;
            prism.keep_logs = ready.is_err();
            match ready {
                Ok(()) => return Ok(prism),
                Err(e) if attempt < START_ATTEMPTS && prism.stderr().contains("EADDRINUSE") => {
                    last_error = e;
                    continue;
                }
                Err(e) => return Err(e),
            }
        }
        Err(last_error)
    }

    fn spawn(bin: &Path, spec: &Path, port: u16) -> Result<Prism, String> {
        let logs = Path::new(env!("CARGO_TARGET_TMPDIR")).join("contract");
        std::fs::create_dir_all(&logs).map_err(|e| format!("cannot create {}: {e}", logs.display()))?;
        let stdout_log = logs.join(format!("prism-{port}.stdout.log"));
        let stderr_log = logs.join(format!("prism-{port}.stderr.log"));
        let create = |p: &Path| File::create(p).map_err(|e| format!("cannot create {}: {e}", p.display()));
        let child = Command::new(bin)
            .arg("mock")
            .arg(spec)
            .args(["--host", "127.0.0.1", "--port", &port.to_string()])
            // Request validation is always on in mock mode; with --errors every
            // violation is a hard 4xx error (plus the `sl-violations` header).
            .args(["--errors", "--multiprocess=false", "--verboseLevel", "info"])
            .current_dir(workspace_root())
            .stdin(Stdio::null())
            .stdout(create(&stdout_log)?)
            .stderr(create(&stderr_log)?)
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", bin.display()))?;
        Ok(Prism { child, base_url: format!("http://127.0.0.1:{port}"), stdout_log, stderr_log, keep_logs: false })
    }

    async fn wait_until_ready(&mut self) -> Result<(), String> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(2))
            .build()
            .map_err(|e| format!("cannot build probe client: {e}"))?;
        let started = Instant::now();
        loop {
            // Any HTTP answer (Prism says 404 for `/`) means it is listening,
            // provided our child is still alive (not some other process that
            // took the port while Prism failed to bind it).
            let answered = http.get(format!("{}/", self.base_url)).send().await.is_ok();
            if let Some(status) = self.exited() {
                return Err(format!("Prism exited before answering ({status}).\n{}", self.logs()));
            }
            if answered {
                return Ok(());
            }
            if started.elapsed() > START_TIMEOUT {
                return Err(format!(
                    "Prism did not answer on {} within {}s.\n{}",
                    self.base_url,
                    START_TIMEOUT.as_secs(),
                    self.logs()
                ));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    fn exited(&mut self) -> Option<String> {
        match self.child.try_wait() {
            Ok(Some(status)) => Some(status.to_string()),
            Ok(None) => None,
            Err(e) => Some(format!("cannot query the process: {e}")),
        }
    }

    /// The base URL, e.g. `http://127.0.0.1:41234`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Where Prism's stdout (its request log) goes; kept when the test fails.
    pub fn log_path(&self) -> &Path {
        &self.stdout_log
    }

    /// Prism's stdout so far (its request log).
    pub fn stdout(&self) -> String {
        std::fs::read_to_string(&self.stdout_log).unwrap_or_default()
    }

    /// Prism's stderr so far.
    pub fn stderr(&self) -> String {
        std::fs::read_to_string(&self.stderr_log).unwrap_or_default()
    }

    fn logs(&self) -> String {
        format!(
            "--- Prism stderr ({})\n{}\n--- Prism stdout ({})\n{}",
            self.stderr_log.display(),
            self.stderr().trim_end(),
            self.stdout_log.display(),
            self.stdout().trim_end()
        )
    }

    /// How many POST requests Prism's own log says it received.
    pub fn posts_received(&self) -> usize {
        self.stdout().lines().filter(|l| l.contains("[HTTP SERVER] post ") && l.contains("Request received")).count()
    }

    /// How many requests Prism's own log says passed its validation.
    pub fn posts_passed_validation(&self) -> usize {
        self.stdout().lines().filter(|l| l.contains("passed the validation rules")).count()
    }

    /// Waits (bounded) until Prism's log shows at least `count` POSTs, then
    /// returns the logged number.
    pub async fn wait_for_posts(&self, count: usize) -> usize {
        let started = Instant::now();
        loop {
            let seen = self.posts_received();
            if seen >= count || started.elapsed() > Duration::from_secs(5) {
                return seen;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}
