//! A small HTTP/1.1 server on loopback for the publisher tests and the
//! `publisher_bench` example: each request goes to an async handler, which
//! answers (any status, headers, body) or drops the connection without
//! answering, something wiremock cannot do. Keep-alive connections, bodies
//! framed by `Content-Length` (what reqwest sends), nothing else.
//!
//! Also: reading the events out of a batch body, and a seeded hash for
//! deterministic "random" server behaviour.

#![allow(dead_code)] // each suite (and the example) uses part of it

use std::future::Future;
use std::sync::Arc;

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// One request as the handler sees it.
#[derive(Debug)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub body: Vec<u8>,
}

/// What the server does with a request.
#[derive(Debug)]
pub enum Reply {
    /// An HTTP answer.
    Answer { status: u16, headers: Vec<(String, String)>, body: Vec<u8> },
    /// Close the connection without answering (the client sees a transport
    /// error: the request may or may not have been processed).
    Drop,
}

impl Reply {
    /// `status` with a JSON body.
    pub fn json(status: u16, body: &Value) -> Self {
        Reply::Answer { status, headers: Vec::new(), body: serde_json::to_vec(body).expect("JSON") }
    }

    /// 200 `{"errors": []}`: every event taken, as the real API answers.
    pub fn accepted() -> Self {
        Reply::Answer { status: 200, headers: Vec::new(), body: br#"{"errors":[]}"#.to_vec() }
    }

    /// Adds a header to an answer.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        if let Reply::Answer { headers, .. } = &mut self {
            headers.push((name.to_owned(), value.to_owned()));
        }
        self
    }
}

/// A running server; stops accepting connections when dropped.
pub struct Server {
    url: String,
    task: JoinHandle<()>,
}

impl Server {
    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> &str {
        &self.url
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts a server on an ephemeral loopback port.
pub async fn serve<H, F>(handler: H) -> Server
where
    H: Fn(Request) -> F + Send + Sync + 'static,
    F: Future<Output = Reply> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind a loopback port");
    let url = format!("http://{}", listener.local_addr().expect("local address"));
    let handler = Arc::new(handler);
    let task = tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else { continue };
            let handler = handler.clone();
            tokio::spawn(async move {
                let _ = connection(stream, handler).await;
            });
        }
    });
    Server { url, task }
}

async fn connection<H, F>(stream: TcpStream, handler: Arc<H>) -> std::io::Result<()>
where
    H: Fn(Request) -> F,
    F: Future<Output = Reply>,
{
    stream.set_nodelay(true)?;
    let mut stream = BufReader::new(stream);
    let mut line = String::new();
    loop {
        line.clear();
        if stream.read_line(&mut line).await? == 0 {
            return Ok(()); // the client closed the connection
        }
        let mut parts = line.split_whitespace();
        let method = parts.next().unwrap_or_default().to_owned();
        let path = parts.next().unwrap_or_default().to_owned();
        let mut content_length = 0usize;
        loop {
            line.clear();
            if stream.read_line(&mut line).await? == 0 {
                return Ok(());
            }
            if line == "\r\n" || line == "\n" {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                if name.trim().eq_ignore_ascii_case("content-length") {
                    content_length = value.trim().parse().unwrap_or(0);
                }
            }
        }
        let mut body = vec![0; content_length];
        stream.read_exact(&mut body).await?;
        match handler(Request { method, path, body }).await {
            Reply::Drop => return Ok(()), // dropping the socket closes the connection unanswered
            Reply::Answer { status, headers, body } => {
                let mut head = format!(
                    "HTTP/1.1 {status} {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n",
                    reason(status),
                    body.len()
                );
                for (name, value) in headers {
                    head.push_str(&format!("{name}: {value}\r\n"));
                }
                head.push_str("\r\n");
                let mut bytes = head.into_bytes();
                bytes.extend_from_slice(&body);
                stream.get_mut().write_all(&bytes).await?;
            }
        }
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

/// One event of a batch body, in wire order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireEvent {
    /// The list it was sent in (`userPresenceEvents`, `holdUpdatedEvents`, …).
    pub list: String,
    pub event_id: String,
    /// Its `conversationId`, `userId` or `agentId`.
    pub entity: String,
}

/// The events of a batch body, list by list as they are on the wire.
pub fn wire_events(body: &[u8]) -> Vec<WireEvent> {
    let value: Value = serde_json::from_slice(body).expect("a JSON batch body");
    let mut events = Vec::new();
    for (list, items) in value.as_object().expect("a JSON object") {
        for item in items.as_array().expect("a list of events") {
            let text = |name: &str| item.get(name).and_then(Value::as_str).map(str::to_owned);
            events.push(WireEvent {
                list: list.clone(),
                event_id: text("eventId").expect("eventId"),
                entity: text("conversationId")
                    .or_else(|| text("userId"))
                    .or_else(|| text("agentId"))
                    .unwrap_or_default(),
            });
        }
    }
    events
}

/// A deterministic 64-bit hash of `seed` and `parts` (SplitMix64 finalizer
/// over FNV-1a): the tests' seeded "randomness".
pub fn mix(seed: u64, parts: &[&[u8]]) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64 ^ seed;
    for part in parts {
        for &byte in *part {
            h = (h ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3);
        }
        h = (h ^ 0xff).wrapping_mul(0x0000_0100_0000_01b3);
    }
    h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h = (h ^ (h >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}
