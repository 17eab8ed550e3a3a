//! What the suite sends: operations and event kinds discovered from the
//! spec, realistic event JSON, and the dispatch to the SDK method of each
//! operation.

use std::future::Future;

use events_sdk::models::{
    BatchConversationEventRequest, BatchEventResponse, BatchUserPresenceEventRequest,
    BatchUserRoutingStatusEventRequest,
};
use events_sdk::{ApiResponse, Error, EventsApi};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

/// One operation of the spec whose request body is a batch schema.
#[derive(Debug, Clone)]
pub struct Operation {
    pub operation_id: String,
    pub method: String,
    pub path: String,
    /// The request body's schema, e.g. `BatchConversationEventRequest`.
    pub batch_schema: String,
    /// The `200` response's schema, e.g. `BatchEventResponse`.
    pub response_schema: String,
    /// One entry per property of the batch schema.
    pub kinds: Vec<EventKind>,
}

/// A property of a batch schema: an array of one event schema.
#[derive(Debug, Clone)]
pub struct EventKind {
    /// The batch property, e.g. `endTransferEvents`.
    pub property: String,
    /// The event schema, e.g. `EndTransferEvent`.
    pub schema: String,
}

fn ref_name(value: &Value) -> Option<&str> {
    value.get("$ref")?.as_str()?.strip_prefix("#/components/schemas/")
}

/// Every operation with a JSON request body, from `paths`, in spec order.
pub fn operations(spec: &Value) -> Result<Vec<Operation>, String> {
    let paths = spec.get("paths").and_then(Value::as_object).ok_or("spec has no paths")?;
    let schemas = spec.pointer("/components/schemas").and_then(Value::as_object).ok_or("spec has no schemas")?;
    let mut operations = Vec::new();
    for (path, item) in paths {
        let Some(item) = item.as_object() else { continue };
        for (method, operation) in item {
            let Some(body) = operation.pointer("/requestBody/content/application~1json/schema") else { continue };
            let operation_id = operation
                .get("operationId")
                .and_then(Value::as_str)
                .ok_or_else(|| format!("{method} {path} has no operationId"))?
                .to_owned();
            let batch_schema = ref_name(body)
                .ok_or_else(|| format!("{operation_id}: request body is not a $ref to a component schema"))?
                .to_owned();
            let response_schema = operation
                .pointer("/responses/200/content/application~1json/schema")
                .and_then(ref_name)
                .ok_or_else(|| format!("{operation_id}: no 200 JSON response schema"))?
                .to_owned();
            let properties = schemas
                .get(&batch_schema)
                .and_then(|s| s.get("properties"))
                .and_then(Value::as_object)
                .ok_or_else(|| format!("{operation_id}: schema {batch_schema} has no properties"))?;
            let mut kinds = Vec::new();
            for (property, schema) in properties {
                let is_array = schema.get("type").and_then(Value::as_str) == Some("array");
                let item = schema.get("items").and_then(ref_name);
                match (is_array, item) {
                    (true, Some(item)) => kinds.push(EventKind { property: property.clone(), schema: item.to_owned() }),
                    _ => return Err(format!("{batch_schema}.{property} is not an array of a component schema")),
                }
            }
            operations.push(Operation {
                operation_id,
                method: method.to_ascii_uppercase(),
                path: path.clone(),
                batch_schema,
                response_schema,
                kinds,
            });
        }
    }
    Ok(operations)
}

/// The component schemas named `Batch…Request`.
pub fn batch_request_schemas(spec: &Value) -> Vec<String> {
    spec.pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|s| s.keys().filter(|k| k.starts_with("Batch") && k.ends_with("Request")).cloned().collect())
        .unwrap_or_default()
}

/// The `required` list of a component schema.
pub fn required(spec: &Value, schema: &str) -> Vec<String> {
    spec.pointer(&format!("/components/schemas/{schema}/required"))
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).map(str::to_owned).collect())
        .unwrap_or_default()
}

/// Deterministic, well-formed (version 4, variant 1) UUIDs.
pub struct Uuids(u64);

impl Uuids {
    pub fn new() -> Self {
        Uuids(0x5eed_0000_c0de_0001)
    }

    pub fn next(&mut self) -> String {
        // splitmix64
        let mut word = || {
            self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        };
        let (a, b) = (word(), word());
        format!(
            "{:08x}-{:04x}-4{:03x}-{:x}{:03x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xfff,
            8 | ((b >> 62) & 0x3),
            (b >> 48) & 0xfff,
            b & 0xffff_ffff_ffff
        )
    }
}

/// Replaces the placeholder strings of a spec-built value (see
/// `support/spec_values.rs`) with realistic ones, guided by the schema:
/// UUIDs for ids, e-mail addresses, phone numbers, readable text. Enums and
/// formatted strings (date-times) are left as they are.
pub fn make_realistic(spec: &Value, schema_name: &str, value: &mut Value, uuids: &mut Uuids) {
    let schema = spec
        .pointer(&format!("/components/schemas/{schema_name}"))
        .unwrap_or_else(|| panic!("no schema {schema_name}"));
    Realistic { spec, uuids }.walk(schema, schema_name, value);
}

struct Realistic<'a> {
    spec: &'a Value,
    uuids: &'a mut Uuids,
}

impl Realistic<'_> {
    /// Follows `$ref` and `allOf: [{$ref}]` (keeping the outer description)
    /// and rewrites the strings of `value`.
    fn walk(&mut self, schema: &Value, property: &str, value: &mut Value) {
        let description = schema.get("description").and_then(Value::as_str).unwrap_or("").to_owned();
        let schema = match ref_name(schema).or_else(|| {
            schema.get("allOf").and_then(Value::as_array).filter(|p| p.len() == 1).and_then(|p| ref_name(&p[0]))
        }) {
            Some(name) => self.spec.pointer(&format!("/components/schemas/{name}")).cloned().unwrap_or(Value::Null),
            None => schema.clone(),
        };
        match value {
            Value::Object(object) => {
                let properties = schema.get("properties").and_then(Value::as_object).cloned().unwrap_or_default();
                let additional = schema.get("additionalProperties").cloned();
                for (key, item) in object.iter_mut() {
                    if let Some(sub) = properties.get(key) {
                        self.walk(sub, key, item);
                    } else if let Some(sub) = &additional {
                        self.walk(sub, property, item);
                    }
                }
                if additional.is_some() && properties.is_empty() {
                    // `x-<property>-key` → a plausible metadata key.
                    let renamed: Map<String, Value> = std::mem::take(object)
                        .into_iter()
                        .map(|(_, v)| ("diagnosticSessionId".to_owned(), v))
                        .collect();
                    *object = renamed;
                }
            }
            Value::Array(items) => {
                if let Some(sub) = schema.get("items") {
                    for item in items {
                        self.walk(sub, property, item);
                    }
                }
            }
            Value::String(text) if schema.get("enum").is_none() && schema.get("format").is_none() => {
                *text = self.string_for(property, &description);
            }
            _ => {}
        }
    }

    fn string_for(&mut self, property: &str, description: &str) -> String {
        let description = description.to_ascii_lowercase();
        let lower = property.to_ascii_lowercase();
        let is_id = description.contains("uuid")
            || property.ends_with("Id")
            || property.ends_with("Ids")
            || description.starts_with("the id ")
            || description.contains(" id of ");
        if is_id {
            self.uuids.next()
        } else if matches!(property, "to" | "from" | "cc" | "bcc") || description.contains("email address") {
            match property {
                "from" => "customer@example.com".to_owned(),
                "to" => "support@example.com".to_owned(),
                _ => format!("{property}-recipient@example.com"),
            }
        } else if lower.contains("phonenumber") || matches!(property, "ani" | "dnis") {
            "tel:+13175550123".to_owned()
        } else if lower.ends_with("name") {
            "Contract Test Line".to_owned()
        } else {
            match property {
                "subject" => "Order 4711: delivery question".to_owned(),
                "message" => "In a meeting until 11:00".to_owned(),
                "label" => "priority-support".to_owned(),
                _ => format!("sample {property}"),
            }
        }
    }
}

/// What the SDK did with one batch.
pub struct Sent {
    /// The JSON body the SDK serializes (what goes on the wire).
    pub wire: Value,
    pub result: Result<ApiResponse<BatchEventResponse>, Error>,
}

/// Deserializes `body` into the SDK's request type of `operation` and calls
/// the matching `EventsApi` method. `Err`: the SDK could not represent the
/// body, or no method is known for the operation.
pub async fn send_via_sdk(api: &EventsApi, operation: &Operation, body: &Value) -> Result<Sent, String> {
    let response_type = short_type_name::<BatchEventResponse>();
    if operation.response_schema != response_type {
        return Err(format!(
            "{}: the spec's 200 response is {} but the SDK method returns {response_type}",
            operation.operation_id, operation.response_schema
        ));
    }
    let schema = operation.batch_schema.as_str();
    // The only hand-written part: operationId → SDK method. A new operation
    // in the spec fails here until it is added.
    match operation.operation_id.as_str() {
        "postEventsConversations" => {
            call(schema, body, |b: BatchConversationEventRequest| async move {
                api.post_events_conversations_with_info(&b).await
            })
            .await
        }
        "postEventsUsersRoutingstatus" => {
            call(schema, body, |b: BatchUserRoutingStatusEventRequest| async move {
                api.post_events_users_routingstatus_with_info(&b).await
            })
            .await
        }
        "postEventsUsersPresence" => {
            call(schema, body, |b: BatchUserPresenceEventRequest| async move {
                api.post_events_users_presence_with_info(&b).await
            })
            .await
        }
        other => Err(format!("no EventsApi method is mapped to operation {other} (add it to send_via_sdk)")),
    }
}

fn short_type_name<T>() -> &'static str {
    std::any::type_name::<T>().rsplit("::").next().unwrap_or_default()
}

async fn call<T, F, Fut>(schema: &str, body: &Value, send: F) -> Result<Sent, String>
where
    T: DeserializeOwned + Serialize,
    F: FnOnce(T) -> Fut,
    Fut: Future<Output = Result<ApiResponse<BatchEventResponse>, Error>>,
{
    let type_name = short_type_name::<T>();
    if type_name != schema {
        return Err(format!("the operation's request schema is {schema}, but its SDK method takes {type_name}"));
    }
    let typed: T = serde_json::from_value(body.clone())
        .map_err(|e| format!("the SDK's {type_name} cannot deserialize the spec-built JSON: {e}"))?;
    let wire = serde_json::to_value(&typed).map_err(|e| format!("the SDK's {type_name} does not serialize: {e}"))?;
    Ok(Sent { wire, result: send(typed).await })
}
