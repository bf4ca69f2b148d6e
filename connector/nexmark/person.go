package nexmark

// Person values, as the suite's PersonGenerator: few states and cities so
// that queries find matches in small runs.
var (
	usStates   = [...]string{"AZ", "CA", "ID", "OR", "WA", "WY"}
	usCities   = [...]string{"Phoenix", "Los Angeles", "San Francisco", "Boise", "Portland", "Bend", "Redmond", "Seattle", "Kent", "Cheyenne"}
	firstNames = [...]string{"Peter", "Paul", "Luke", "John", "Saul", "Vicky", "Kate", "Julie", "Sarah", "Deiter", "Walter"}
	lastNames  = [...]string{"Shultz", "Abrams", "Spencer", "White", "Bartels", "Walton", "Smith", "Jones", "Noris"}
)

// personNames holds every "first last" name, so a name costs no bytes.
var personNames = func() (names [len(firstNames) * len(lastNames)]string) {
	for i, f := range firstNames {
		for j, l := range lastNames {
			names[i*len(lastNames)+j] = f + " " + l
		}
	}
	return names
}()

// person is the suite's nextPerson for the event at pos, at time ts.
func (g *Generator) person(pos eventPos, ts int64) *Person {
	p := g.newPerson()
	p.ID = g.lastPersonID(pos) + firstPersonID
	first := g.rnd.nextIntn(int32(len(firstNames)))
	last := g.rnd.nextIntn(int32(len(lastNames)))
	p.Name = personNames[int(first)*len(lastNames)+int(last)]
	p.EmailAddress = g.nextEmail()
	p.CreditCard = g.nextCreditCard()
	p.City = usCities[g.rnd.nextIntn(int32(len(usCities)))]
	p.State = usStates[g.rnd.nextIntn(int32(len(usStates)))]
	p.DateTime = ts
	size := 8 + len(p.Name) + len(p.EmailAddress) + len(p.CreditCard) + len(p.City) + len(p.State)
	p.Extra = g.nextExtra(size, g.cfg.AvgPersonByteSize)
	return p
}

// nextEmail is nextString(7) + "@" + nextString(5) + ".com".
func (g *Generator) nextEmail() string {
	g.reserve(7 + 1 + 5 + 4)
	start := len(g.arena)
	g.appendString(7, ' ')
	g.arena = append(g.arena, '@')
	g.appendString(5, ' ')
	g.arena = append(g.arena, ".com"...)
	return g.take(start)
}

// nextCreditCard is four draws below 10 000, zero-padded to four digits and
// separated by spaces.
func (g *Generator) nextCreditCard() string {
	g.reserve(19)
	start := len(g.arena)
	for i := range 4 {
		if i > 0 {
			g.arena = append(g.arena, ' ')
		}
		v := g.rnd.nextIntnOdd(10000)
		g.arena = append(g.arena, byte('0'+v/1000), byte('0'+v/100%10), byte('0'+v/10%10), byte('0'+v%10))
	}
	return g.take(start)
}
