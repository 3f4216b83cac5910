package dolphins

import (
	"bytes"
	"encoding/json"
	"reflect"
	"sort"
	"strings"
)

// envelope wraps every ticket answer (spec §1). Failures carry a message
// and status "failed".
type envelope struct {
	Status       string `json:"status"`
	Message      string `json:"message,omitempty"`
	Data         any    `json:"data"`
	HasMore      bool   `json:"hasMore"`
	NextIndex    int    `json:"nextIndex"`
	PrevIndex    int    `json:"prevIndex"`
	TotalResults int    `json:"totalResults"`
}

// tokenResponse answers POST /graph/auth.
type tokenResponse struct {
	Token    string `json:"token"`
	ExpireAt string `json:"expireAt"`
}

// TicketDoc is one Solr-style document of a ticket: the root document
// (parent 1, carrying status, SLA and assignment) or a message document
// (parent 0). Pointers and omitempty leave out what the vendor leaves out:
// a date group appears only when its instant exists (spec A20), root-only
// fields only on roots.
type TicketDoc struct {
	ID           string `json:"id"`
	Owner        string `json:"owner"`
	CreatedDate  int64  `json:"createdDate"`
	CreatedBy    string `json:"createdBy"`
	ModifiedDate int64  `json:"modifiedDate"`
	ModifiedBy   string `json:"modifiedBy"`
	Partial      *bool  `json:"partial,omitempty"`

	AccountID     string `json:"accountId"`
	AccountName   string `json:"accountName"`
	AccountScreen string `json:"accountScreen"`
	Answer        bool   `json:"answer"`
	Incoming      bool   `json:"incoming"`
	TicketAnswer  bool   `json:"ticketAnswer"`

	AssignedAgent     string `json:"assignedAgent,omitempty"`
	AssignedDate      *int64 `json:"assignedDate,omitempty"`
	AssignedDateText  string `json:"assignedDateText,omitempty"`
	AssignDuration    *int64 `json:"assignDuration,omitempty"`
	FirstAssignedDate *int64 `json:"firstAssignedDate,omitempty"`
	GreetingStatus    *bool  `json:"greetingStatus,omitempty"`
	BotID             string `json:"botId,omitempty"`

	Channel     string `json:"channel"`
	ChannelKey  string `json:"channelKey"`
	ChannelName string `json:"channelName"`
	ChannelType string `json:"channelType"`

	CloseInterval  *int64 `json:"closeInterval,omitempty"`
	ClosedBy       string `json:"closedBy,omitempty"`
	ClosedDate     *int64 `json:"closedDate,omitempty"`
	ClosedDateText string `json:"closedDateText,omitempty"`
	ClosureType    string `json:"closureType,omitempty"`

	ContactID       string      `json:"contactId"`
	Contact         *ContactDoc `json:"contact,omitempty"`
	CorrelationID   *string     `json:"correlationId,omitempty"`
	CreatedDateText string      `json:"createdDateText"`
	Document        []string    `json:"document,omitempty"`

	ErrorCode    string `json:"errorCode,omitempty"`
	ErrorMessage string `json:"errorMessage,omitempty"`
	ErrorShown   bool   `json:"errorShown"`

	Escalated     *bool  `json:"escalated,omitempty"`
	EscalatedDate *int64 `json:"escalatedDate,omitempty"`
	EscalatedFrom string `json:"escalatedFrom,omitempty"`
	EscalatedTo   string `json:"escalatedTo,omitempty"`

	Group      string `json:"group,omitempty"`
	ToGroup    string `json:"toGroup,omitempty"`
	FromGroup  string `json:"fromGroup,omitempty"`
	Supervisor string `json:"supervisor,omitempty"`
	RuleID     string `json:"ruleId,omitempty"`

	Message        string  `json:"message"`
	CleanedMessage string  `json:"cleanedMessage"`
	LastMessage    *string `json:"lastMessage,omitempty"`
	MessageID      string  `json:"messageId"`
	TransactionID  string  `json:"transactionId"`
	Subject        string  `json:"subject"`
	SubjectChanged *bool   `json:"subjectChanged,omitempty"`
	Remark         *string `json:"remark,omitempty"`

	Mention      bool  `json:"mention"`
	Post         bool  `json:"post"`
	Notified     *bool `json:"notified,omitempty"`
	Redistribute *bool `json:"redistribute,omitempty"`
	Guest        *bool `json:"guest,omitempty"`
	MarkRead     bool  `json:"markRead"`

	Online         *bool  `json:"online,omitempty"`
	OnlineDate     *int64 `json:"onlineDate,omitempty"`
	OfflineDate    *int64 `json:"offlineDate,omitempty"`
	OnlineDuration *int64 `json:"onlineDuration,omitempty"`

	OpenDate        *int64 `json:"openDate,omitempty"`
	OpenDateText    string `json:"openDateText,omitempty"`
	OpenDuration    *int64 `json:"openDuration,omitempty"`
	PendingDate     *int64 `json:"pendingDate,omitempty"`
	PendingDateText string `json:"pendingDateText,omitempty"`
	PendingDuration *int64 `json:"pendingDuration,omitempty"`

	Parent         int      `json:"parent"`
	TicketNumber   string   `json:"ticketNumber"`
	Status         string   `json:"status,omitempty"`
	TimelineStatus string   `json:"timelineStatus,omitempty"`
	Severity       string   `json:"severity"`
	Priority       *bool    `json:"priority,omitempty"`
	TicketTags     []string `json:"ticketTags,omitempty"`

	ReplyAgent        string `json:"replyAgent,omitempty"`
	ResponseTime      *int64 `json:"responseTime,omitempty"`
	ResponseTimeAgent *int64 `json:"responseTimeAgent,omitempty"`

	Reassigned         *bool  `json:"reassigned,omitempty"`
	ReassignedText     string `json:"reassignedText,omitempty"`
	Transfered         *bool  `json:"transfered,omitempty"`
	TransferedDate     *int64 `json:"transferedDate,omitempty"`
	TransferedDateText string `json:"transferedDateText,omitempty"`
	TransferedFrom     string `json:"transferedFrom,omitempty"`
	TransferedTo       string `json:"transferedTo,omitempty"`
	TransferedText     string `json:"transferedText,omitempty"`
	TransferInterval   *int64 `json:"transferInterval,omitempty"`

	UnassignedDate     *int64 `json:"unassignedDate,omitempty"`
	UnassignedDateText string `json:"unassignedDateText,omitempty"`
	UnassignDuration   *int64 `json:"unassignDuration,omitempty"`

	WithinSLA    *bool          `json:"withinSla,omitempty"`
	OverReplySLA bool           `json:"overReplySla"`
	SLAStyle     string         `json:"slaStyle"`
	SLAText      string         `json:"slaStatusText"`
	CustomFields map[string]any `json:"customFields,omitempty"`

	AgentName   *string `json:"agentName,omitempty"`
	AgentAvatar *string `json:"agentAvatar,omitempty"`

	FriendlyName  string `json:"friendlyName"`
	FriendlyID    string `json:"friendlyId"`
	CustomerName  string `json:"customerName,omitempty"`
	ProfileLink   string `json:"profileLink,omitempty"`
	FollowerCount *int   `json:"followerCount,omitempty"`
	FriendCount   *int   `json:"friendCount,omitempty"`

	CCList           []string  `json:"ccList"`
	CCListFormatted  string    `json:"ccListFormatted"`
	BCCList          *[]string `json:"bccList,omitempty"`
	BCCListFormatted *string   `json:"bccListFormatted,omitempty"`
	ReplyCC          string    `json:"replyCc,omitempty"`
	EmailRecipient   string    `json:"emailRecipient"`

	StatusStyle        string `json:"statusStyle"`
	SeverityStyle      string `json:"severityStyle"`
	PrettyDate         string `json:"prettyDate"`
	PrettyDateTimeline string `json:"prettyDateTimeline"`
	DateTimeline       int64  `json:"dateTimeline"`
	UnreadMessages     int    `json:"unreadMessages"`
	AttachmentExist    bool   `json:"attachmentExist"`

	InternalCallRecipient        bool  `json:"internalCallRecipient"`
	Selected                     bool  `json:"selected"`
	DisplayConferenceParticipant bool  `json:"displayConferenceParticipant"`
	IgnoreMaxAssignment          bool  `json:"ignoreMaxAssignment"`
	CallVariable                 []any `json:"callVariable"`
	ConferenceParticipant        []any `json:"conferenceParticipant"`
	ConferenceParticipantObject  []any `json:"conferenceParticipantObject"`
	CallParticipantObject        []any `json:"callParticipantObject"`
	CallVariableObject           []any `json:"callVariableObject"`

	Collection string `json:"collection,omitempty"`
}

// ContactDoc is the contact embedded in root documents (spec §3.2). The
// per-channel socialId{Ch} / socialName{Ch} / socialScreenName{Ch} keys
// are dynamic and live in Social.
type ContactDoc struct {
	ID                        string              `json:"id"`
	Spell                     []string            `json:"spell"`
	Owner                     string              `json:"owner"`
	CreatedDate               int64               `json:"createdDate"`
	CreatedBy                 string              `json:"createdBy"`
	ModifiedDate              int64               `json:"modifiedDate"`
	ModifiedBy                string              `json:"modifiedBy"`
	AgeMax                    int                 `json:"ageMax"`
	AgeMin                    int                 `json:"ageMin"`
	ContactEmail              []string            `json:"contactEmail,omitempty"`
	ContactEmailString        string              `json:"contactEmailString,omitempty"`
	ContactFirstName          string              `json:"contactFirstName,omitempty"`
	ContactLastName           string              `json:"contactLastName,omitempty"`
	CorrelationID             string              `json:"correlationId,omitempty"`
	MaxFollower               int                 `json:"maxFollower"`
	PhoneTypes                []string            `json:"phoneTypes,omitempty"`
	Phones                    []string            `json:"phones,omitempty"`
	PhonesString              string              `json:"phonesString,omitempty"`
	Social                    map[string][]string `json:"-"`
	SocialsString             string              `json:"socialsString"`
	Username                  string              `json:"username"`
	SocialAccounts            []string            `json:"socialAccounts"`
	AdditionalFieldsObject    []namedValue        `json:"additionalFieldsObject"`
	AdditionalFieldValueAsMap map[string]any      `json:"additionalFieldValueAsMap"`
	AdditionalField           []any               `json:"additionalField"`
	AvailableTouchpoints      []string            `json:"availableTouchpoints"`
	ContactPhoneFormatted     string              `json:"contactPhoneFormatted"`
	HaveAnySocialAccounts     bool                `json:"haveAnySocialAccounts"`
	LiveChatAccount           bool                `json:"liveChatAccount"`
	Rating                    int                 `json:"rating"`
	ContactAccountIDs         []string            `json:"contactAccountIds"`
	ContactTouchpoints        []Touchpoint        `json:"contactTouchpoints"`
	PrettyCreatedDate         string              `json:"prettyCreatedDate"`
	BirthdayFormatted         string              `json:"birthdayFormatted,omitempty"`
}

// MarshalJSON writes the fixed fields, then the per-channel social keys in
// a stable order.
func (c ContactDoc) MarshalJSON() ([]byte, error) {
	type plain ContactDoc
	b, err := json.Marshal(plain(c))
	if err != nil || len(c.Social) == 0 {
		return b, err
	}
	keys := make([]string, 0, len(c.Social))
	for k := range c.Social {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var extra bytes.Buffer
	for _, k := range keys {
		v, err := json.Marshal(c.Social[k])
		if err != nil {
			return nil, err
		}
		kb, _ := json.Marshal(k)
		extra.WriteByte(',')
		extra.Write(kb)
		extra.WriteByte(':')
		extra.Write(v)
	}
	out := append(b[:len(b)-1:len(b)-1], extra.Bytes()...)
	return append(out, '}'), nil
}

// namedValue is one additional contact field.
type namedValue struct {
	Name  string `json:"name"`
	Value any    `json:"value"`
}

// Touchpoint is one way to reach a contact.
type Touchpoint struct {
	ID              string  `json:"id"`
	DisplayName     string  `json:"displayName"`
	ScreenName      string  `json:"screenName"`
	ProfilePicture  *string `json:"profilePicture"`
	ChannelType     string  `json:"channelType"`
	ChannelTypeIcon string  `json:"channelTypeIcon"`
	ContactID       string  `json:"contactId"`
}

// docFields is the set of TicketDoc JSON field names, the whitelist of
// field filters (E3, E4).
var docFields = func() map[string]bool {
	out := map[string]bool{}
	t := reflect.TypeFor[TicketDoc]()
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			out[name] = true
		}
	}
	return out
}()
