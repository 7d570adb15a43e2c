//! Bar charts drawn on the server as SVG geometry for the templates: one bar per plan, zeros
//! kept, no script and no style attribute (the page's policy allows neither inline).

/// A horizontal bar chart: one labelled bar per row.
#[derive(Debug, Clone)]
pub struct BarChart {
    pub width: u32,
    pub height: u32,
    /// Where bars start (after the labels).
    pub x0: u32,
    pub bars: Vec<Bar>,
}

#[derive(Debug, Clone)]
pub struct Bar {
    pub label: String,
    /// The value as text, written after the bar.
    pub value: String,
    /// Top of the bar's row.
    pub y: u32,
    /// Baseline of the row's text.
    pub text_y: u32,
    /// The bar's length; 0 for a zero value (the row and its value still show).
    pub w: u32,
    /// Where the value's text starts.
    pub value_x: u32,
    pub zero: bool,
}

const ROW: u32 = 26;
const BAR: u32 = 16;
const LABEL: u32 = 150;
const PLOT: u32 = 420;
const VALUE: u32 = 70;

/// A chart of `(label, value)` rows, values scaled to the largest.
pub fn bars(rows: &[(String, f64)], decimals: usize) -> BarChart {
    let max = rows.iter().map(|r| r.1).fold(0.0, f64::max);
    let bars = rows
        .iter()
        .enumerate()
        .map(|(k, (label, value))| {
            let w = if max > 0.0 {
                ((value / max) * f64::from(PLOT)).round() as u32
            } else {
                0
            };
            let y = k as u32 * ROW + 4;
            Bar {
                label: label.clone(),
                value: format!("{value:.decimals$}"),
                y,
                text_y: y + BAR - 3,
                w,
                value_x: LABEL + w + 6,
                zero: *value == 0.0,
            }
        })
        .collect();
    BarChart {
        width: LABEL + PLOT + VALUE,
        height: rows.len() as u32 * ROW + 8,
        x0: LABEL,
        bars,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest_and_zeros_stay() {
        let c = bars(
            &[("甲".into(), 2.0), ("乙".into(), 0.0), ("丙".into(), 1.0)],
            2,
        );
        assert_eq!(c.bars.len(), 3);
        assert_eq!(c.bars[0].w, PLOT);
        assert_eq!(
            (c.bars[1].w, c.bars[1].zero, c.bars[1].value.as_str()),
            (0, true, "0.00")
        );
        assert_eq!(c.bars[2].w, PLOT / 2);
        assert!(c.bars[2].y > c.bars[1].y);
        assert_eq!(bars(&[("x".into(), 0.0)], 1).bars[0].w, 0);
    }
}
