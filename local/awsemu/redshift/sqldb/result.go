package sqldb

// Result is the result set of a statement, in the Data API's shapes;
// Columns is nil for a statement without one.
type Result struct {
	Columns []Column
	Rows    [][]Field
}

// Size is the size in bytes that the Data API reports as ResultSize.
func (r *Result) Size() int64 {
	var n int64
	for _, row := range r.Rows {
		for _, f := range row {
			n += 8
			if f.StringValue != nil {
				n += int64(len(*f.StringValue))
			}
		}
	}
	return n
}

// Column is the ColumnMetadata structure of GetStatementResult.
type Column struct {
	Name            string `json:"name"`
	Label           string `json:"label"`
	TypeName        string `json:"typeName"`
	Length          int    `json:"length"`
	Precision       int    `json:"precision"`
	Scale           int    `json:"scale"`
	Nullable        int    `json:"nullable"`
	IsSigned        bool   `json:"isSigned"`
	IsCaseSensitive bool   `json:"isCaseSensitive"`
	IsCurrency      bool   `json:"isCurrency"`
	SchemaName      string `json:"schemaName"`
	TableName       string `json:"tableName"`
}

// Field is the Field union: exactly one member is set.
type Field struct {
	StringValue *string `json:"stringValue,omitempty"`
	LongValue   *int64  `json:"longValue,omitempty"`
	IsNull      *bool   `json:"isNull,omitempty"`
}
