//! Trace styles: how a series is drawn, chosen from the type of its **last** processing step,
//! and the colour cycle.
//!
//! | last step type | mode | marker |
//! |---|---|---|
//! | none (raw), `other` | markers | diamond |
//! | `sorting`, `remove_duplicates`, `filtering`, `resampling` | lines+markers | circle |
//! | `smoothing` | lines | (circle, not drawn) |
//! | `gap_filling` | lines+markers | triangle-up |
//! | `prediction` | lines+markers | square |
//! | `transformation` | lines+markers | triangle-left |
//! | `dimensionality_reduction` | lines+markers | triangle-right |
//! | `fault_detection` | lines+markers | x |
//! | `fault_identification` | lines+markers | cross |
//! | `fault_diagnosis` | lines+markers | star |
//! | `export_rename` | lines+markers | hexagon (Python has no entry and fails) |
//!
//! ```
//! use meteaudata_core::ProcessingType;
//! use meteaudata_viz::styles::{Marker, Mode, TraceStyle};
//! let raw = TraceStyle::for_last_step(None);
//! assert_eq!((raw.mode, raw.marker), (Mode::Markers, Marker::Diamond));
//! let pred = TraceStyle::for_last_step(Some(ProcessingType::Prediction));
//! assert_eq!((pred.mode, pred.marker.as_str()), (Mode::LinesMarkers, "square"));
//! ```

use meteaudata_core::{ProcessingType, TimeSeries};

/// Whether a trace is drawn as markers, lines or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    /// Markers only.
    Markers,
    /// A line only.
    Lines,
    /// A line with a marker at every (drawn) point.
    LinesMarkers,
}

impl Mode {
    /// plotly's name of the mode (`markers`, `lines`, `lines+markers`).
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Markers => "markers",
            Mode::Lines => "lines",
            Mode::LinesMarkers => "lines+markers",
        }
    }

    /// Whether a line is drawn.
    pub fn has_line(self) -> bool {
        !matches!(self, Mode::Markers)
    }

    /// Whether markers are drawn.
    pub fn has_markers(self) -> bool {
        !matches!(self, Mode::Lines)
    }
}

/// Marker shapes (plotly's symbol names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Marker {
    /// `diamond`
    Diamond,
    /// `circle`
    Circle,
    /// `triangle-up`
    TriangleUp,
    /// `square`
    Square,
    /// `triangle-left`
    TriangleLeft,
    /// `triangle-right`
    TriangleRight,
    /// `x`
    X,
    /// `cross`
    Cross,
    /// `star`
    Star,
    /// `hexagon`
    Hexagon,
}

impl Marker {
    /// Every marker, in the order of the [module table](self).
    pub const ALL: [Marker; 10] = [
        Marker::Diamond,
        Marker::Circle,
        Marker::TriangleUp,
        Marker::Square,
        Marker::TriangleLeft,
        Marker::TriangleRight,
        Marker::X,
        Marker::Cross,
        Marker::Star,
        Marker::Hexagon,
    ];

    /// plotly's symbol name.
    pub fn as_str(self) -> &'static str {
        match self {
            Marker::Diamond => "diamond",
            Marker::Circle => "circle",
            Marker::TriangleUp => "triangle-up",
            Marker::Square => "square",
            Marker::TriangleLeft => "triangle-left",
            Marker::TriangleRight => "triangle-right",
            Marker::X => "x",
            Marker::Cross => "cross",
            Marker::Star => "star",
            Marker::Hexagon => "hexagon",
        }
    }

    /// SVG path data of the shape centred on (0, 0), about 8 px across.
    pub(crate) fn path(self) -> &'static str {
        match self {
            Marker::Diamond => "M0,-5L5,0L0,5L-5,0Z",
            Marker::Circle => "M4,0A4,4 0 1,1 -4,0A4,4 0 1,1 4,0Z",
            Marker::TriangleUp => "M0,-5L4.5,3.5L-4.5,3.5Z",
            Marker::Square => "M-3.5,-3.5H3.5V3.5H-3.5Z",
            Marker::TriangleLeft => "M-5,0L3.5,-4.5L3.5,4.5Z",
            Marker::TriangleRight => "M5,0L-3.5,-4.5L-3.5,4.5Z",
            Marker::X => {
                "M-4,-2.5L-2.5,-4L0,-1.5L2.5,-4L4,-2.5L1.5,0L4,2.5L2.5,4L0,1.5L-2.5,4L-4,2.5L-1.5,0Z"
            }
            Marker::Cross => "M-1.5,-4.5H1.5V-1.5H4.5V1.5H1.5V4.5H-1.5V1.5H-4.5V-1.5H-1.5Z",
            Marker::Star => {
                "M0,-5L1.2,-1.6L4.8,-1.5L1.9,0.6L2.9,4L0,2L-2.9,4L-1.9,0.6L-4.8,-1.5L-1.2,-1.6Z"
            }
            Marker::Hexagon => "M0,-4.5L3.9,-2.25V2.25L0,4.5L-3.9,2.25V-2.25Z",
        }
    }
}

/// How one series is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TraceStyle {
    /// Markers, lines or both.
    pub mode: Mode,
    /// The marker shape (also used in the legend).
    pub marker: Marker,
}

impl TraceStyle {
    /// The style for a series whose last step has type `last` (`None`: no steps, a raw series).
    pub fn for_last_step(last: Option<ProcessingType>) -> TraceStyle {
        use Marker as M;
        use Mode::*;
        use ProcessingType as P;
        let (mode, marker) = match last {
            None | Some(P::Other) => (Markers, M::Diamond),
            Some(P::Sorting | P::RemoveDuplicates | P::Filtering | P::Resampling) => {
                (LinesMarkers, M::Circle)
            }
            Some(P::Smoothing) => (Lines, M::Circle),
            Some(P::GapFilling) => (LinesMarkers, M::TriangleUp),
            Some(P::Prediction) => (LinesMarkers, M::Square),
            Some(P::Transformation) => (LinesMarkers, M::TriangleLeft),
            Some(P::DimensionalityReduction) => (LinesMarkers, M::TriangleRight),
            Some(P::FaultDetection) => (LinesMarkers, M::X),
            Some(P::FaultIdentification) => (LinesMarkers, M::Cross),
            Some(P::FaultDiagnosis) => (LinesMarkers, M::Star),
            Some(P::ExportRename) => (LinesMarkers, M::Hexagon),
        };
        TraceStyle { mode, marker }
    }

    /// The style of a time series (from its last step).
    pub fn of(ts: &TimeSeries) -> TraceStyle {
        TraceStyle::for_last_step(ts.processing_steps.last().map(|s| s.step_type))
    }
}

/// plotly's default colour cycle; traces take these in order, across subplots.
pub const PALETTE: [&str; 10] = [
    "#636efa", "#EF553B", "#00cc96", "#ab63fa", "#FFA15A", "#19d3f3", "#FF6692", "#B6E880",
    "#FF97FF", "#FECB52",
];

/// The colour of the `i`-th trace.
pub fn color(i: usize) -> &'static str {
    PALETTE[i % PALETTE.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_has_a_style_and_only_raw_like_types_have_no_line() {
        for t in ProcessingType::ALL {
            let s = TraceStyle::for_last_step(Some(t));
            assert_eq!(s.mode == Mode::Markers, t == ProcessingType::Other, "{t}");
        }
    }

    #[test]
    fn marker_names_are_distinct() {
        let mut names: Vec<_> = Marker::ALL.iter().map(|m| m.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Marker::ALL.len());
    }
}
