//! Places the simulator puts people and attackers in: real cities with their coordinates,
//! as Entra ID's sign-in `location` reports them.

/// A city with its region, country code and coordinates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Place {
    /// City.
    pub city: &'static str,
    /// State or province.
    pub state: &'static str,
    /// ISO 3166 alpha-2 country code.
    pub country: &'static str,
    /// Latitude.
    pub latitude: f64,
    /// Longitude.
    pub longitude: f64,
    /// Offset of local time from UTC in hours (standard time).
    pub utc_offset: i32,
}

const fn place(
    city: &'static str,
    state: &'static str,
    country: &'static str,
    latitude: f64,
    longitude: f64,
    utc_offset: i32,
) -> Place {
    Place {
        city,
        state,
        country,
        latitude,
        longitude,
        utc_offset,
    }
}

/// Cities where the tenant has offices.
pub const OFFICES: &[Place] = &[
    place("Amsterdam", "Noord-Holland", "NL", 52.3676, 4.9041, 1),
    place("London", "England", "GB", 51.5072, -0.1276, 0),
    place("Chicago", "Illinois", "US", 41.8781, -87.6298, -6),
];

/// Cities travellers pass through on business.
pub const TRAVEL: &[Place] = &[
    place("Frankfurt am Main", "Hessen", "DE", 50.1109, 8.6821, 1),
    place("Dubai", "Dubai", "AE", 25.2048, 55.2708, 4),
    place("Singapore", "Singapore", "SG", 1.3521, 103.8198, 8),
    place("New York", "New York", "US", 40.7128, -74.0060, -5),
    place("Paris", "Ile-de-France", "FR", 48.8566, 2.3522, 1),
];

/// Cities attacker infrastructure (VPS, residential proxies) is located in.
pub const ATTACKER: &[Place] = &[
    place("Lagos", "Lagos", "NG", 6.5244, 3.3792, 1),
    place("Sao Paulo", "Sao Paulo", "BR", -23.5558, -46.6396, -3),
    place(
        "Ho Chi Minh City",
        "Ho Chi Minh",
        "VN",
        10.8231,
        106.6297,
        7,
    ),
    place("Moscow", "Moscow", "RU", 55.7558, 37.6173, 3),
    place("Jakarta", "Jakarta", "ID", -6.2088, 106.8456, 7),
];

/// Mean Earth radius (IUGG), in kilometres.
const EARTH_RADIUS_KM: f64 = 6371.0088;

impl Place {
    /// Great-circle (haversine) distance to `other`, in kilometres: what a geo-velocity
    /// check computes from the sign-ins' coordinates.
    pub fn distance_km(&self, other: &Place) -> f64 {
        let (lat1, lat2) = (self.latitude.to_radians(), other.latitude.to_radians());
        let dlat = lat2 - lat1;
        let dlon = (other.longitude - self.longitude).to_radians();
        let a = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlon / 2.0).sin().powi(2);
        2.0 * EARTH_RADIUS_KM * a.sqrt().asin()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_match_the_great_circle() {
        let (amsterdam, london, chicago) = (OFFICES[0], OFFICES[1], OFFICES[2]);
        let a_l = amsterdam.distance_km(&london);
        assert!((350.0..365.0).contains(&a_l), "{a_l}");
        let l_c = london.distance_km(&chicago);
        assert!((6300.0..6400.0).contains(&l_c), "{l_c}");
        assert_eq!(london.distance_km(&london), 0.0);
        assert!((chicago.distance_km(&london) - l_c).abs() < 1e-9);
    }
}
