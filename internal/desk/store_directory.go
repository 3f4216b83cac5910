package desk

import "context"

// DirectoryReader holds store queries for customer companies, contact
// profiles, and lookups by per-workspace number of messages and
// attachments (doors whose vendors name them by integer).
type DirectoryReader interface {
	Company(ctx context.Context, ws, id string) (*Company, error)
	CompanyByNumber(ctx context.Context, ws string, number int64) (*Company, error)
	CompanyByName(ctx context.Context, ws, name string) (*Company, error)
	// ContactProfile returns the profile of a contact; a contact without
	// one (or an unknown id) has an empty profile, never ErrNotFound.
	ContactProfile(ctx context.Context, ws, contactID string) (*ContactProfile, error)
	MessageByNumber(ctx context.Context, ws string, number int64) (*Message, error)
	AttachmentByNumber(ctx context.Context, ws string, number int64) (*Attachment, error)
}

// DirectoryWriter holds store writes for companies and contact profiles.
type DirectoryWriter interface {
	// CreateCompany allocates c.Number and inserts c.
	CreateCompany(ctx context.Context, c *Company) error
	// PutContactProfile inserts or replaces the profile of p.ContactID.
	PutContactProfile(ctx context.Context, p *ContactProfile) error
}
