package nexmark

// Times are event times in epoch milliseconds.

// Person is a person who sells or bids.
type Person struct {
	ID           int64
	Name         string
	EmailAddress string
	CreditCard   string
	City         string
	State        string
	DateTime     int64
	Extra        string
}

// Auction is an item put up for auction.
type Auction struct {
	ID          int64
	ItemName    string
	Description string
	InitialBid  int64
	Reserve     int64
	DateTime    int64
	Expires     int64
	Seller      int64
	Category    int64
	Extra       string
}

// Bid is a bid on an auction.
type Bid struct {
	Auction  int64
	Bidder   int64
	Price    int64
	Channel  string
	URL      string
	DateTime int64
	Extra    string
}

// EventType says which of an Event's fields is set (the suite's
// event_type column: 0 person, 1 auction, 2 bid).
type EventType uint8

const (
	PersonEvent EventType = iota
	AuctionEvent
	BidEvent
)

// Event is one generated event: exactly one of Person, Auction and Bid is
// set, as Type says. An Event moves by value (32 bytes); its payload by
// pointer, and payloads are never modified once generated.
type Event struct {
	Type    EventType
	Person  *Person
	Auction *Auction
	Bid     *Bid
}

// Timestamp returns the event's time.
func (e *Event) Timestamp() int64 {
	switch e.Type {
	case PersonEvent:
		return e.Person.DateTime
	case AuctionEvent:
		return e.Auction.DateTime
	default:
		return e.Bid.DateTime
	}
}

// Column names as the suite's DDL and the CSV files of `eddy nexmark gen`.
var (
	PersonColumns  = []string{"id", "name", "emailAddress", "creditCard", "city", "state", "dateTime", "extra"}
	AuctionColumns = []string{"id", "itemName", "description", "initialBid", "reserve", "dateTime", "expires", "seller", "category", "extra"}
	BidColumns     = []string{"auction", "bidder", "price", "channel", "url", "dateTime", "extra"}
)
