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

/// Cities within a few hundred kilometres of each office, where residential proxies and
/// consumer VPN exits place an attacker who wants to look local (to pass location-based
/// Conditional Access and stay under impossible-travel distances).
pub const NEAR_OFFICES: &[(&str, Place)] = &[
    (
        "Amsterdam",
        place("Rotterdam", "Zuid-Holland", "NL", 51.9244, 4.4777, 1),
    ),
    (
        "Amsterdam",
        place("Utrecht", "Utrecht", "NL", 52.0907, 5.1214, 1),
    ),
    (
        "London",
        place("Manchester", "England", "GB", 53.4808, -2.2426, 0),
    ),
    (
        "London",
        place("Birmingham", "England", "GB", 52.4862, -1.8904, 0),
    ),
    (
        "Chicago",
        place("Milwaukee", "Wisconsin", "US", 43.0389, -87.9065, -6),
    ),
    (
        "Chicago",
        place("Indianapolis", "Indiana", "US", 39.7684, -86.1581, -5),
    ),
];

/// The places near `home` (the office city itself when none is listed).
pub fn near(home: &Place) -> Vec<Place> {
    let places: Vec<Place> = NEAR_OFFICES
        .iter()
        .filter(|(office, _)| *office == home.city)
        .map(|(_, place)| *place)
        .collect();
    if places.is_empty() {
        vec![*home]
    } else {
        places
    }
}

/// Great-circle distance in kilometres.
pub fn distance_km(a: &Place, b: &Place) -> f64 {
    let (la1, lo1) = (a.latitude.to_radians(), a.longitude.to_radians());
    let (la2, lo2) = (b.latitude.to_radians(), b.longitude.to_radians());
    let h = ((la2 - la1) / 2.0).sin().powi(2)
        + la1.cos() * la2.cos() * ((lo2 - lo1) / 2.0).sin().powi(2);
    2.0 * 6371.0 * h.sqrt().asin()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_near_offices_are_under_impossible_travel_distances() {
        for office in OFFICES {
            let near = near(office);
            assert!(!near.is_empty());
            for place in near {
                assert_eq!(place.country, office.country);
                assert!(distance_km(office, &place) < 400.0, "{}", place.city);
            }
        }
    }

    #[test]
    fn attacker_places_are_far_from_every_office() {
        for office in OFFICES {
            for place in ATTACKER {
                assert!(distance_km(office, place) > 2000.0, "{}", place.city);
            }
        }
    }
}
