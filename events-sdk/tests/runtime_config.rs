//! Client configuration (regions, URLs, credentials, timeouts) and how
//! transport-level failures come back, against real HTTP servers on
//! loopback (wiremock) where a server is needed.

mod support;

use std::time::{Duration, Instant};

use events_sdk::models::BatchEventResponse;
use events_sdk::{ApiResponse, Client, Error, EventsApi, Region, RetryPolicy, DEFAULT_BASE_URL};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const ROUTE: &str = "/api/v2/events/users/routingstatus";

use support::routing_status_batch as batch;

async fn call(client: Client) -> Result<ApiResponse<BatchEventResponse>, Error> {
    EventsApi::new(client).post_events_users_routingstatus_with_info(&batch()).await
}

fn invalid_request(result: Result<Client, Error>) -> String {
    match result {
        Err(Error::InvalidRequest(message)) => message,
        other => panic!("expected Error::InvalidRequest, got {other:?}"),
    }
}

/// (region, name, API host); the login host is the API host with `login.`
/// in place of `api.`.
const REGIONS: [(Region, &str, &str); 17] = [
    (Region::UsEast1, "us-east-1", "api.mypurecloud.com"),
    (Region::EuWest1, "eu-west-1", "api.mypurecloud.ie"),
    (Region::ApSoutheast2, "ap-southeast-2", "api.mypurecloud.com.au"),
    (Region::ApNortheast1, "ap-northeast-1", "api.mypurecloud.jp"),
    (Region::EuCentral1, "eu-central-1", "api.mypurecloud.de"),
    (Region::UsWest2, "us-west-2", "api.usw2.pure.cloud"),
    (Region::CaCentral1, "ca-central-1", "api.cac1.pure.cloud"),
    (Region::ApNortheast2, "ap-northeast-2", "api.apne2.pure.cloud"),
    (Region::EuWest2, "eu-west-2", "api.euw2.pure.cloud"),
    (Region::ApSouth1, "ap-south-1", "api.aps1.pure.cloud"),
    (Region::UsEast2, "us-east-2", "api.use2.us-gov-pure.cloud"),
    (Region::SaEast1, "sa-east-1", "api.sae1.pure.cloud"),
    (Region::MeCentral1, "me-central-1", "api.mec1.pure.cloud"),
    (Region::ApNortheast3, "ap-northeast-3", "api.apne3.pure.cloud"),
    (Region::EuCentral2, "eu-central-2", "api.euc2.pure.cloud"),
    (Region::MxCentral1, "mx-central-1", "api.mxc1.pure.cloud"),
    (Region::ApSoutheast1, "ap-southeast-1", "api.apse1.pure.cloud"),
];

// Proves: every region has the documented API and login URL, name and
// domain, parses from its usual spellings, and configures a client with
// those URLs; `Region::ALL` lists exactly these, in this order.
#[test]
fn every_region_resolves_to_its_api_and_login_url() {
    assert_eq!(Region::ALL, REGIONS.map(|(region, _, _)| region).as_slice());
    for (region, name, api_host) in REGIONS {
        let domain = api_host.strip_prefix("api.").unwrap();
        let login_host = format!("login.{domain}");
        assert_eq!(region.name(), name);
        assert_eq!(region.to_string(), name);
        assert_eq!(region.domain(), domain);
        assert_eq!(region.api_base_url(), format!("https://{api_host}"));
        assert_eq!(region.login_base_url(), format!("https://{login_host}"));
        for spelling in [
            name.to_owned(),
            name.replace('-', "_"),
            name.to_uppercase().replace('-', "_"),
            domain.to_owned(),
            api_host.to_owned(),
            login_host.clone(),
            format!("https://{api_host}/"),
        ] {
            assert_eq!(spelling.parse::<Region>(), Ok(region), "{spelling}");
        }

        let client = Client::builder().region(region).access_token("t").build().expect("builds");
        assert_eq!(client.base_url().as_str(), format!("https://{api_host}/"));
        assert_eq!(client.login_url().as_str(), format!("https://{login_host}/"));
    }
}

// Proves: without a region the client talks to us-east-1.
#[test]
fn default_region_is_us_east_1() {
    assert_eq!(Region::default(), Region::UsEast1);
    let client = Client::builder().access_token("t").build().expect("builds");
    assert_eq!(client.base_url().as_str(), format!("{DEFAULT_BASE_URL}/"));
    assert_eq!(client.login_url().as_str(), "https://login.mypurecloud.com/");
}

// Proves: an unknown region is refused with a message listing valid names.
#[test]
fn unknown_region_lists_the_valid_names() {
    let error = "eu-west-9".parse::<Region>().expect_err("unknown");
    assert_eq!(error.input(), "eu-west-9");
    let message = error.to_string();
    assert!(message.contains("\"eu-west-9\""), "{message}");
    for region in Region::ALL {
        assert!(message.contains(region.name()), "{message} lacks {region}");
    }
    assert!("mypurecloud.example".parse::<Region>().is_err());
    assert!("".parse::<Region>().is_err());
}

// Proves: plain http to a remote host is refused at build time, for the API
// and the login URL alike, unless explicitly allowed.
#[test]
fn remote_http_is_refused_unless_allowed() {
    let message = invalid_request(Client::builder().base_url("http://example.com").access_token("t").build());
    assert!(message.contains("http://example.com") && message.contains("allow_insecure_http"), "{message}");
    invalid_request(
        Client::builder()
            .base_url("https://api.example.com")
            .login_url("http://login.example.com")
            .client_credentials("id", "secret")
            .build(),
    );
    let client = Client::builder()
        .base_url("http://example.com")
        .allow_insecure_http(true)
        .access_token("t")
        .build()
        .expect("allowed explicitly");
    assert_eq!(client.base_url().as_str(), "http://example.com/");
}

// Proves: plain http to loopback (tests, local gateways) is accepted.
#[test]
fn loopback_http_is_accepted() {
    for url in ["http://127.0.0.1:8080", "http://127.0.0.53", "http://localhost:3000/prefix", "http://[::1]:9000"] {
        let client = Client::builder().base_url(url).access_token("t").build();
        assert!(client.is_ok(), "{url}: {client:?}");
    }
}

// Proves: malformed URLs and missing or empty credentials are refused.
#[test]
fn bad_configuration_is_refused() {
    invalid_request(Client::builder().base_url("not a url").access_token("t").build());
    invalid_request(Client::builder().base_url("ftp://example.com").access_token("t").build());
    invalid_request(Client::builder().base_url("https://user:pw@example.com").access_token("t").build());
    let message = invalid_request(Client::builder().build());
    assert!(message.contains("client_credentials"), "{message}");
    invalid_request(Client::builder().access_token("").build());
    invalid_request(Client::builder().client_credentials("id", "").build());
}

// Proves: a custom base URL overrides the region; the login URL is derived
// from it (`api.` → `login.`), is the base URL itself for other hosts, or is
// what was set explicitly.
#[test]
fn custom_base_and_login_urls() {
    let client = Client::builder()
        .region(Region::EuWest1)
        .base_url("https://api.gateway.example/genesys")
        .client_credentials("id", "secret")
        .build()
        .expect("builds");
    assert_eq!(client.base_url().as_str(), "https://api.gateway.example/genesys");
    assert_eq!(client.login_url().as_str(), "https://login.gateway.example/genesys");

    let client = Client::builder().base_url("http://127.0.0.1:4010").access_token("t").build().expect("builds");
    assert_eq!(client.login_url().as_str(), "http://127.0.0.1:4010/");

    let client = Client::builder()
        .region(Region::ApSoutheast2)
        .login_url("https://sso.example/genesys-login")
        .client_credentials("id", "secret")
        .build()
        .expect("builds");
    assert_eq!(client.base_url().as_str(), "https://api.mypurecloud.com.au/");
    assert_eq!(client.login_url().as_str(), "https://sso.example/genesys-login");
}

// Proves: the configured retry policy is kept on the client.
#[test]
fn retry_policy_is_configurable() {
    let client = Client::builder().access_token("t").build().expect("builds");
    assert_eq!(client.retry_policy(), &RetryPolicy::new());
    let client = Client::builder().access_token("t").retry_policy(RetryPolicy::none()).build().expect("builds");
    assert_eq!(client.retry_policy().attempts_limit(), 1);
}

// Proves: a server slower than the configured timeout gives
// `Error::Timeout` within about that time (not the server's delay).
#[tokio::test]
async fn slow_server_times_out_in_time() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(ROUTE))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})).set_delay(Duration::from_secs(2)))
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .access_token("t")
        .timeout(Duration::from_millis(300))
        .build()
        .expect("builds");

    let started = Instant::now();
    let error = call(client).await.expect_err("times out");

    let elapsed = started.elapsed();
    assert!(matches!(error, Error::Timeout(_)), "{error:?}");
    assert!(elapsed >= Duration::from_millis(300) && elapsed < Duration::from_millis(1500), "{elapsed:?}");
    assert!(error.is_retryable());
}

// Proves: the timeout also bounds requests made with a user-supplied
// `reqwest::Client`, and that client's pool is the one used.
#[tokio::test]
async fn timeout_applies_to_a_custom_http_client() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(ROUTE))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})).set_delay(Duration::from_secs(2)))
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .access_token("t")
        .http_client(reqwest::Client::new())
        .timeout(Duration::from_millis(200))
        .build()
        .expect("builds");

    let started = Instant::now();
    let error = call(client).await.expect_err("times out");

    assert!(matches!(error, Error::Timeout(_)), "{error:?}");
    assert!(started.elapsed() < Duration::from_millis(1500), "{:?}", started.elapsed());
}

// Proves: a 200 whose body is not JSON is `Error::InvalidResponse` quoting
// the start of the body.
#[tokio::test]
async fn non_json_success_is_invalid_response_with_snippet() {
    let server = MockServer::start().await;
    let page = format!("<html><body>maintenance{}</body></html>", "!".repeat(500));
    Mock::given(method("POST"))
        .and(path(ROUTE))
        .respond_with(ResponseTemplate::new(200).set_body_string(page))
        .mount(&server)
        .await;
    let client = Client::builder().base_url(server.uri()).access_token("t").build().expect("builds");

    match call(client).await.expect_err("not JSON") {
        Error::InvalidResponse { status, snippet, .. } => {
            assert_eq!(status.as_u16(), 200);
            assert!(snippet.starts_with("<html><body>maintenance"), "{snippet}");
            assert_eq!(snippet.chars().count(), 200);
        }
        other => panic!("expected Error::InvalidResponse, got {other:?}"),
    }
}

// Proves: a refused connection is `Error::Transport`, returned at once by the
// default policy (not retried: see RetryPolicy).
#[tokio::test]
async fn connection_refused_is_a_transport_error() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr").port()
    };
    let client = Client::builder().base_url(format!("http://127.0.0.1:{port}")).access_token("t").build().expect("b");

    let error = call(client).await.expect_err("nothing listens");

    match &error {
        Error::Transport(inner) => assert!(inner.is_connect(), "{inner:?}"),
        other => panic!("expected Error::Transport, got {other:?}"),
    }
    assert_eq!(error.attempts(), 1);
}

// Proves: the correlation id is readable from a successful response and
// from an API error.
#[tokio::test]
async fn correlation_ids_are_exposed() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(ROUTE))
        .respond_with(
            ResponseTemplate::new(200).insert_header("inin-correlation-id", "corr-200").set_body_json(json!({})),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(ROUTE))
        .respond_with(
            ResponseTemplate::new(400)
                .insert_header("ININ-Correlation-ID", "corr-400")
                .set_body_json(json!({"message": "bad", "code": "bad.request", "status": 400})),
        )
        .mount(&server)
        .await;
    let client = Client::builder().base_url(server.uri()).access_token("t").build().expect("builds");

    let response = call(client.clone()).await.expect("200");
    assert_eq!(response.correlation_id(), Some("corr-200"));
    let error = call(client).await.expect_err("400");
    assert_eq!(error.correlation_id(), Some("corr-400"));
    assert!(error.to_string().contains("corr-400"), "{error}");
}

// Proves: the client and its error can cross threads and tasks (and the
// error can be boxed as `dyn Error + Send + Sync`).
#[test]
fn client_and_error_are_send_and_sync() {
    fn assert_send_sync<T: Send + Sync + 'static>() {}
    assert_send_sync::<Client>();
    assert_send_sync::<Error>();
    assert_send_sync::<RetryPolicy>();
    assert_send_sync::<Region>();
    let boxed: Box<dyn std::error::Error + Send + Sync> = Box::new(Error::InvalidRequest("x".into()));
    assert_eq!(boxed.to_string(), "invalid request: x");
}
