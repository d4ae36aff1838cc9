//! Keys whose object names collide (`a/b_c` and `a_b/c` are both `a_b_c`), saved at once by
//! two writers: each keeps its own value (the free name is taken by a conditional put, the
//! loser takes the next name). Before conditional placement, one overwrote the other.

use meteaudata_core::storage::{StorageBackend, StorageKey};
use meteaudata_core::{Index, Series, TimeSeries};
use meteaudata_storage_object::ObjectBackend;

#[test]
fn colliding_keys_saved_at_once_keep_their_values() {
    for round in 0..20 {
        let b = ObjectBackend::new("memory:///collide").unwrap();
        let keys: [StorageKey; 2] = [
            format!("r{round}/x_y/S#1").parse().unwrap(),
            format!("r{round}_x/y/S#1").parse().unwrap(),
        ];
        std::thread::scope(|scope| {
            for (i, key) in keys.iter().enumerate() {
                let b = &b;
                scope.spawn(move || {
                    let s = Series::from_f64("S#1", Index::range(3), vec![i as f64; 3]).unwrap();
                    b.save(key, &s, &TimeSeries::new(s.clone()).metadata())
                        .unwrap();
                });
            }
        });
        for (i, key) in keys.iter().enumerate() {
            let (s, _) = b.load(key).unwrap();
            let values: Vec<f64> = s.f64_values().unwrap().values().to_vec();
            assert_eq!(values, vec![i as f64; 3], "round {round}: {key}");
        }
        assert_eq!(b.list_keys().unwrap().len(), 2);
    }
}
