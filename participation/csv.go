package participation

import (
	"encoding/csv"
	"io"
	"strings"
)

// CSVWriter writes CSV that is safe to open in a spreadsheet (PRIV-4):
// every cell that begins with =, +, -, @, a tab or a carriage return —
// which a spreadsheet would take for a formula — is written with a
// single quote before it, OWASP's rule against CSV injection. Every CSV
// export of the library goes through it.
type CSVWriter struct {
	w *csv.Writer
}

// NewCSVWriter returns a CSVWriter writing to w.
func NewCSVWriter(w io.Writer) *CSVWriter { return &CSVWriter{w: csv.NewWriter(w)} }

// Write writes one row, neutralising each cell with [CSVCell]. An error
// of the underlying writer is an EINTERNAL error.
func (c *CSVWriter) Write(row []string) error {
	safe := make([]string, len(row))
	for i, cell := range row {
		safe[i] = CSVCell(cell)
	}
	if err := c.w.Write(safe); err != nil {
		return Internal(err, "writing CSV")
	}
	return nil
}

// Flush writes any buffered rows and reports an error of the underlying
// writer as an EINTERNAL error.
func (c *CSVWriter) Flush() error {
	c.w.Flush()
	if err := c.w.Error(); err != nil {
		return Internal(err, "writing CSV")
	}
	return nil
}

// CSVCell returns cell as it is safe to put in a CSV file: with a single
// quote before it when it begins with =, +, -, @, a tab or a carriage
// return, as it is otherwise (PRIV-4).
func CSVCell(cell string) string {
	if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
		return "'" + cell
	}
	return cell
}
