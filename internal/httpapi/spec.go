package httpapi

import (
	"context"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"regexp"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/switchboardhq/switchboard/api"
	"github.com/switchboardhq/switchboard/internal/errcode"
)

// spec is the loaded OpenAPI document (ADR 0005: the document is the
// contract; the server validates requests against it).
type spec struct {
	doc  *openapi3.T
	json []byte
}

func loadSpec() (*spec, error) {
	doc, err := openapi3.NewLoader().LoadFromData(api.Spec())
	if err != nil {
		return nil, fmt.Errorf("httpapi: load openapi: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("httpapi: invalid openapi document: %w", err)
	}
	j, err := doc.MarshalJSON()
	if err != nil {
		return nil, err
	}
	return &spec{doc: doc, json: j}, nil
}

var pathParam = regexp.MustCompile(`\{([a-z_]+)\}`)

// operation validates requests for one route.
type operation struct {
	route    *routers.Route
	params   []string // path parameter names
	hasInput bool     // whether there is anything to validate at all
	hasBody  bool
	// upload operations take multipart/form-data: the handler streams
	// and checks the body itself, within a larger size limit.
	upload bool
	// csv operations take a CSV file (a customer import), within the
	// import's size limit.
	csv bool
}

func (s *spec) operation(method, path string) (*operation, error) {
	pi := s.doc.Paths.Value(path)
	if pi == nil {
		return nil, fmt.Errorf("httpapi: route %s %s is not in api/openapi.yaml", method, path)
	}
	op := pi.GetOperation(method)
	if op == nil {
		return nil, fmt.Errorf("httpapi: route %s %s has no operation in api/openapi.yaml", method, path)
	}
	o := &operation{route: &routers.Route{Spec: s.doc, Path: path, PathItem: pi, Method: method, Operation: op}}
	for _, m := range pathParam.FindAllStringSubmatch(path, -1) {
		o.params = append(o.params, m[1])
	}
	o.hasBody = op.RequestBody != nil
	o.upload = o.hasBody && op.RequestBody.Value.Content.Get("multipart/form-data") != nil
	o.csv = o.hasBody && op.RequestBody.Value.Content.Get("text/csv") != nil
	o.hasInput = o.hasBody || len(op.Parameters) > 0 || len(pi.Parameters) > 0
	return o, nil
}

var (
	validateOpts = &openapi3filter.Options{
		AuthenticationFunc: openapi3filter.NoopAuthenticationFunc,
		MultiError:         true,
	}
	uploadOpts = &openapi3filter.Options{
		AuthenticationFunc: openapi3filter.NoopAuthenticationFunc,
		MultiError:         true,
		ExcludeRequestBody: true,
	}
)

// validate checks r against the operation's parameters and body schema.
func (o *operation) validate(r *http.Request) error {
	if !o.hasInput {
		return nil
	}
	opts := validateOpts
	if o.upload {
		opts = uploadOpts
	} else if o.hasBody {
		// curl -d and plain fetch() send other types; the body is JSON
		// regardless, so accept it as such.
		ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if ct == "" || ct == "application/x-www-form-urlencoded" || ct == "text/plain" {
			r.Header.Set("Content-Type", "application/json")
		}
	}
	pp := make(map[string]string, len(o.params))
	for _, name := range o.params {
		pp[name] = r.PathValue(name)
	}
	err := openapi3filter.ValidateRequest(r.Context(), &openapi3filter.RequestValidationInput{
		Request: r, PathParams: pp, Route: o.route, Options: opts,
	})
	if err == nil {
		return nil
	}
	return convertValidation(err)
}

// convertValidation turns kin-openapi errors into one coded error with a
// detail per problem.
func convertValidation(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return mbe
	}
	var errs []error
	var me openapi3.MultiError
	if errors.As(err, &me) {
		errs = me
	} else {
		errs = []error{err}
	}
	code := errcode.InvalidRequest
	var details []errcode.Detail
	for _, e := range errs {
		var re *openapi3filter.RequestError
		if !errors.As(e, &re) {
			details = append(details, errcode.Detail{Field: "request", Message: e.Error()})
			continue
		}
		if re.Parameter != nil {
			details = append(details, errcode.Detail{Field: re.Parameter.Name, Message: reason(re)})
			continue
		}
		var pe *openapi3filter.ParseError
		if errors.As(re, &pe) {
			return errcode.Wrap(errcode.InvalidJSON, "the request body is not valid JSON", err)
		}
		code = errcode.ValidationFailed
		details = append(details, bodyDetails(re)...)
	}
	msg := "the request is invalid"
	if code == errcode.ValidationFailed {
		msg = "the request body does not match the schema"
	}
	if len(details) > 0 {
		msg += ": " + details[0].Field + ": " + details[0].Message
	}
	return errcode.Wrap(code, msg, err).WithDetails(details...)
}

func bodyDetails(re *openapi3filter.RequestError) []errcode.Detail {
	if errors.Is(re.Err, openapi3filter.ErrInvalidRequired) {
		return []errcode.Detail{{Field: "body", Message: "a JSON body is required"}}
	}
	var out []errcode.Detail
	var me openapi3.MultiError
	if errors.As(re.Err, &me) {
		for _, e := range me {
			out = append(out, schemaDetail(e))
		}
		return out
	}
	return []errcode.Detail{schemaDetail(re.Err)}
}

func schemaDetail(err error) errcode.Detail {
	var se *openapi3.SchemaError
	if errors.As(err, &se) {
		field := strings.Join(se.JSONPointer(), ".")
		if field == "" {
			field = "body"
		}
		return errcode.Detail{Field: field, Message: se.Reason}
	}
	return errcode.Detail{Field: "body", Message: err.Error()}
}

func reason(re *openapi3filter.RequestError) string {
	var se *openapi3.SchemaError
	if errors.As(re.Err, &se) {
		return se.Reason
	}
	if re.Err != nil {
		return re.Err.Error()
	}
	return re.Reason
}
