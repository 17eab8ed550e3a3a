//! [`Region`]: the Genesys Cloud regions and their API and login hosts.

use std::fmt;
use std::str::FromStr;

macro_rules! regions {
    ($( $(#[$doc:meta])* $variant:ident => $name:literal, $domain:literal; )*) => {
        /// A Genesys Cloud region (the AWS region an organization lives in).
        ///
        /// Each region has an API host (`https://api.<domain>`) and a login host
        /// (`https://login.<domain>`, where OAuth tokens are issued). The default
        /// is [`Region::UsEast1`].
        ///
        /// Parse one from the names people usually write:
        ///
        /// ```
        /// use events_sdk::Region;
        ///
        /// assert_eq!("eu-west-1".parse::<Region>()?, Region::EuWest1);
        /// assert_eq!("EU_WEST_1".parse::<Region>()?, Region::EuWest1);
        /// assert_eq!("mypurecloud.ie".parse::<Region>()?, Region::EuWest1);
        /// assert_eq!("https://api.mypurecloud.ie".parse::<Region>()?, Region::EuWest1);
        /// assert_eq!(Region::EuWest1.api_base_url(), "https://api.mypurecloud.ie");
        /// assert_eq!(Region::EuWest1.login_base_url(), "https://login.mypurecloud.ie");
        /// # Ok::<(), events_sdk::ParseRegionError>(())
        /// ```
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        #[non_exhaustive]
        pub enum Region {
            $( $(#[$doc])* $variant, )*
        }

        impl Region {
            /// Every region this SDK knows, in the order Genesys lists them.
            pub const ALL: &'static [Region] = &[$(Region::$variant),*];

            /// The region's name, e.g. `eu-west-1`.
            pub const fn name(self) -> &'static str {
                match self {
                    $(Region::$variant => $name,)*
                }
            }

            /// The region's domain, e.g. `mypurecloud.ie`: the API host is
            /// `api.<domain>`, the login host `login.<domain>`.
            pub const fn domain(self) -> &'static str {
                match self {
                    $(Region::$variant => $domain,)*
                }
            }

            /// The API base URL, e.g. `https://api.mypurecloud.ie`.
            pub const fn api_base_url(self) -> &'static str {
                match self {
                    $(Region::$variant => concat!("https://api.", $domain),)*
                }
            }

            /// The login (OAuth) base URL, e.g. `https://login.mypurecloud.ie`;
            /// tokens are requested from `<login base URL>/oauth/token`.
            pub const fn login_base_url(self) -> &'static str {
                match self {
                    $(Region::$variant => concat!("https://login.", $domain),)*
                }
            }
        }
    };
}

regions! {
    /// us-east-1, `api.mypurecloud.com` (the default).
    #[default]
    UsEast1 => "us-east-1", "mypurecloud.com";
    /// eu-west-1 (Dublin), `api.mypurecloud.ie`.
    EuWest1 => "eu-west-1", "mypurecloud.ie";
    /// ap-southeast-2 (Sydney), `api.mypurecloud.com.au`.
    ApSoutheast2 => "ap-southeast-2", "mypurecloud.com.au";
    /// ap-northeast-1 (Tokyo), `api.mypurecloud.jp`.
    ApNortheast1 => "ap-northeast-1", "mypurecloud.jp";
    /// eu-central-1 (Frankfurt), `api.mypurecloud.de`.
    EuCentral1 => "eu-central-1", "mypurecloud.de";
    /// us-west-2 (Oregon), `api.usw2.pure.cloud`.
    UsWest2 => "us-west-2", "usw2.pure.cloud";
    /// ca-central-1 (Canada), `api.cac1.pure.cloud`.
    CaCentral1 => "ca-central-1", "cac1.pure.cloud";
    /// ap-northeast-2 (Seoul), `api.apne2.pure.cloud`.
    ApNortheast2 => "ap-northeast-2", "apne2.pure.cloud";
    /// eu-west-2 (London), `api.euw2.pure.cloud`.
    EuWest2 => "eu-west-2", "euw2.pure.cloud";
    /// ap-south-1 (Mumbai), `api.aps1.pure.cloud`.
    ApSouth1 => "ap-south-1", "aps1.pure.cloud";
    /// us-east-2 (FedRAMP), `api.use2.us-gov-pure.cloud`.
    UsEast2 => "us-east-2", "use2.us-gov-pure.cloud";
    /// sa-east-1 (São Paulo), `api.sae1.pure.cloud`.
    SaEast1 => "sa-east-1", "sae1.pure.cloud";
    /// me-central-1 (UAE), `api.mec1.pure.cloud`.
    MeCentral1 => "me-central-1", "mec1.pure.cloud";
    /// ap-northeast-3 (Osaka), `api.apne3.pure.cloud`.
    ApNortheast3 => "ap-northeast-3", "apne3.pure.cloud";
    /// eu-central-2 (Zurich), `api.euc2.pure.cloud`.
    EuCentral2 => "eu-central-2", "euc2.pure.cloud";
    /// mx-central-1 (Mexico), `api.mxc1.pure.cloud`.
    MxCentral1 => "mx-central-1", "mxc1.pure.cloud";
    /// ap-southeast-1 (Singapore), `api.apse1.pure.cloud`.
    ApSoutheast1 => "ap-southeast-1", "apse1.pure.cloud";
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Region {
    type Err = ParseRegionError;

    /// Accepts a region name (`eu-west-1`, `eu_west_1`, any case) or its
    /// domain, with or without the `api.`/`login.` label, scheme and trailing
    /// slash (`mypurecloud.ie`, `api.mypurecloud.ie`,
    /// `https://api.mypurecloud.ie/`).
    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let normalized = input.trim().to_ascii_lowercase();
        let mut s = normalized.as_str();
        for scheme in ["https://", "http://"] {
            s = s.strip_prefix(scheme).unwrap_or(s);
        }
        let s = s.trim_end_matches('/');
        let name = s.replace('_', "-");
        let host = s.strip_prefix("api.").or_else(|| s.strip_prefix("login.")).unwrap_or(s);
        Region::ALL
            .iter()
            .copied()
            .find(|r| r.name() == name || r.domain() == host)
            .ok_or_else(|| ParseRegionError { input: input.to_owned() })
    }
}

/// A string that names no known [`Region`]; its message lists the valid
/// names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseRegionError {
    input: String,
}

impl ParseRegionError {
    /// The string that did not parse.
    pub fn input(&self) -> &str {
        &self.input
    }
}

impl fmt::Display for ParseRegionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown Genesys Cloud region {:?}; valid regions are ", self.input)?;
        for (i, region) in Region::ALL.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(region.name())?;
        }
        f.write_str(" (or their domains, e.g. mypurecloud.ie)")
    }
}

impl std::error::Error for ParseRegionError {}
