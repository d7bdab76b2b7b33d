"""Word lists the local NLU learns with, for any bot: values to fill built-in slot types with when it turns sample
utterances into training sentences, the small talk people wrap requests in, and a background of requests no
bookstore (or most bots) would serve, so that the classifier learns what "none of the intents" looks like.

Amazon Lex's own model and data are not published; these lists are the emulator's approximation, written for it
(not taken from any test set). They are generic: nothing here names a bookstore intent, slot or value.
"""

from __future__ import annotations

_FIRST_NAMES = """James Mary John Patricia Robert Jennifer Michael Linda David Elizabeth William Barbara Richard Susan
Joseph Jessica Thomas Sarah Charles Karen Daniel Nancy Matthew Lisa Anthony Betty Mark Sandra Paul Ashley Steven
Kimberly Andrew Emily Kenneth Donna Joshua Michelle Kevin Carol Brian Amanda George Melissa Timothy Deborah Ahmed
Fatima Mohammed Aisha Wei Mei Hiroshi Yuki Raj Priyanka Olga Ivan Sofia Mateo Lucia Diego Chiara Luca Ingrid Lars
Amara Kofi Zainab Tunde Nadia Omar Leila Arjun Ananya Seo-yeon Minh Thanh Jose Camila Elena Pierre Amelie Noor
Hamza Anna Jonas Freya Tomas Zofia Kai Maya Ruth Leo Iris Hugo Nina Felix Rosa Ben Ella Sam Zoe Max Ava Finn"""
FIRST_NAMES = _FIRST_NAMES.split()
_LAST_NAMES = """Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez
Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark Ramirez Lewis
Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell
Mitchell Carter Roberts Kowalski Novak Schneider Fischer Weber Rossi Russo Ferrari Dubois Moreau Laurent Tanaka
Suzuki Sato Kim Park Chen Wang Li Zhang Patel Sharma Singh Okafor Mensah Diallo Haddad Khan Ali Hassan Ivanova
Petrov Larsen Jensen Nilsen Murphy O'Brien Kelly Walsh Silva Santos Costa Oliveira Yilmaz Demir Cohen Levi"""
LAST_NAMES = _LAST_NAMES.split()
_EMAIL_DOMAINS = """example.com example.org example.net mail.com gmail.com outlook.com yahoo.co.uk proton.me
company.io school.edu web.de orange.fr"""
EMAIL_DOMAINS = _EMAIL_DOMAINS.split()
_NUMBER_WORDS = """one two three four five six seven eight nine ten eleven twelve fifteen twenty"""
NUMBER_WORDS = _NUMBER_WORDS.split()

# Said around a request without changing it: the classifier and the slot tagger learn to look past them.
_OPENERS = """hi,|hello,|hey|hey there,|good morning,|ok,|okay so|right,|um|so|excuse me,|quick question,|
please|could you|can you|would you|can you please|I'd like you to|I need you to|I was wondering if you could|
do you think you could|would you mind if I asked you to|yo|hiya|greetings,|sorry,|please could you"""
OPENERS = [part.strip() for part in _OPENERS.replace("\n", "").split("|")]
_CLOSERS = """please|thanks|thank you|thanks a lot|for me|for me please|if you can|asap|right away|when you get a
chance|cheers|ty|pls|thx|if possible|real quick|now|today|ok?|, thanks in advance|please and thank you"""
CLOSERS = [" ".join(part.split()) for part in _CLOSERS.split("|")]

# Requests outside what a shop's or staff tool's assistant does: small talk, other services, general knowledge,
# devices, other shops and bookings. A line too close to one of the bot's own sample utterances is dropped when
# training (samples.py), so a bot that does serve one of these keeps it.
_BACKGROUND = """will it be sunny this afternoon
will it rain tomorrow
how cold is it outside
what's the temperature in tokyo
is it going to snow this weekend
what's the date today
set an alarm for seven am
wake me up at six thirty
start a countdown of five minutes
send a text to dave
read my messages
play the next song
turn up the volume
skip this track
turn off the lights in the kitchen
set the thermostat to twenty degrees
lock the front door
who invented the telephone
what is the capital of australia
how far is the moon
how many people live in india
what's the square root of 144
what is seven times eight
convert ten miles to kilometres
how many ounces in a pound
translate good night into spanish
how do you say thank you in japanese
spell necessary
tell me a riddle
do you like pizza
are you a robot
do you have feelings
I'm bored
I'm so tired today
my back hurts
I feel sick
what should I have for dinner
give me a recipe for lasagna
how long do I boil an egg
book a taxi for eight o'clock
get me an uber home
find a hotel in lisbon for next week
reserve a table for four tonight
make a doctor's appointment
reschedule my haircut to friday
what's on tv tonight
show me the football scores
who won the match last night
when does the tennis final start
how's the stock market doing
what's the bitcoin price
transfer fifty dollars to my savings
pay my electricity bill
check my bank balance
where is the nearest pharmacy
directions to the airport
how long is the drive to the coast
is the train on time
when is the next bus
find a petrol station near me
where can I buy new shoes
order a phone charger
buy a new laptop
track my package from the courier
where is my food delivery
my parcel never arrived
change my phone plan
reset my wifi password
my computer is very slow
how do I update my printer drivers
install the new app
delete my photos
back up my phone
recommend a good film
suggest a tv series to binge
what podcast should I listen to
suggest a holiday destination
find me a plumber
hire a babysitter for saturday
how do I grow tomatoes
when should I prune roses
how do I get a stain out of a shirt
how do I fix a leaking tap
what's the best way to learn guitar
teach me to play chess
how many calories are in a banana
how much water should I drink a day
how do I lower my blood pressure
what are the symptoms of flu
sign me up for the yoga class
register my new car
renew my driving licence
apply for a passport
file my tax return
update my home address with the bank
change my gym membership
cancel my streaming subscription
unsubscribe me from the newsletter
where is the bathroom
do you have free wifi
can I pay with cash
is there parking here
what are your opening hours on sunday
are dogs allowed
blue green yellow
asdf jkl
the quick brown fox
nothing
just testing
one two three testing
what's up
how are you doing
say something interesting
tell me a fun fact
make me laugh
tell me a story about dragons
what's your favourite food
do you like music
are you married
where do you live
who made you
can you hear me
when is easter this year
what's the exchange rate for euros
how much is a pint of milk
do you buy second hand furniture
can I sell my old clothes here
I want to sell my bike
trade in my old phone
where is my grocery delivery
track my flight
track my food order
my pizza is late
the courier lost my parcel
where is my refund from the airline
order a new sofa
buy a birthday cake
order coffee beans online
purchase train tickets to leeds
get me a cinema ticket
reserve a hotel room
book a massage
cancel my flight
cancel the meeting at three
stop the music
stop the alarm
change my password
change my phone number
update my credit card details
change my flight to tuesday
edit my calendar
update my linkedin profile
register for the conference
sign up for the swimming lessons
create a new spreadsheet
make a new playlist
open a new bank account
add an event to my calendar
add eggs to the list
find my car keys
search the web for cheap laptops
look up the weather in rome
find a good dentist nearby
show me pictures of cats
show me the news
recommend a podcast about history
suggest a song for a wedding
what movie should I watch tonight
what's a good restaurant for a date
recommend a good laptop
which phone should I buy
what game should I play
help me with my homework
help me write an email to my boss
help me plan a trip
how do I use my new camera
how does a microwave work
what can I cook with chicken and rice
is it safe to swim today
how's the weather in the mountains
my internet is down
the printer is out of ink
open the garage door
turn on the tv
where is my ebay order
my courier delivery is late
when will the supermarket deliver
where is my takeaway
track my shoes order from the sports shop
order a takeaway curry
order flowers for my mum
buy a new phone case
purchase a plane ticket
get me concert tickets
change my email on facebook
change my instagram password
update my name on my passport
change my address at the bank
update my email with the electricity company
create an email account for me
make me a new twitter account
sign me up for netflix
register for the election
open a current account
edit my cv
fix my spreadsheet formula
write me an essay about the war
summarise this article for me
do my maths homework
what is the order of operations in maths
solve this equation
recommend a tv show
what series should I binge
suggest a podcast
recommend a song
suggest a boardgame for the family
what should I cook tonight
suggest a holiday in spain
what snacks should I buy for a party
who wrote the national anthem
when was shakespeare born
is the author still alive
how long is the river nile
how many pages should an essay have
what's the plot of the new movie
lol what
idk
hmm
whatever
nope
huh
this is weird
are you even real
you're useless
what is love
tell me about yourself
do you dream
sing happy birthday
what's your favourite book
cancel my phone contract
cancel my insurance policy
cancel my newspaper delivery
stop my bank card
where is my pension letter
help me fix my car
help me set up my router
how do I change a tyre
do you offer refunds
can I return a book I didn't like
what's your returns policy
can I get my money back
do you have gift vouchers
do you sell gift cards
is there a student discount
do you have a loyalty scheme
do you price match other shops
do you buy second hand books
can I sell you my books
do you do trade ins
are you open on bank holidays
what time do you close today
how do I get to your store
do you have toilets
is there wheelchair access
do you deliver abroad
how much is shipping
do you wrap presents
can I pay by cheque
do you take american express
who is the manager
can I speak to a human
is there a job going
who wrote the bible
how many books did dickens write
when did jane austen die
what is the longest novel ever written
what does the title of the book mean
explain the ending of the novel
what happens at the end of the story
who is the main character in the play
how many words are in a novel
what is a sonnet
where did shakespeare live
is the film better than the book
when is the sequel coming out
track my amazon order
where is my argos delivery
my asos parcel is missing
the royal mail lost my letter
where's my ups package
when does my online shopping arrive
cancel my uber eats order
cancel my cinema booking
cancel my train ticket
change my username on reddit
update my profile picture
change my display name on discord
register a new phone
add a new card to my wallet
create a new folder
make a new contact for my dentist
sign up for the newsletter
join the gym
find me a flat to rent
find a recipe for soup
search for cheap hotels
look up the train times
find a film to watch
suggest a good album
recommend a youtube channel
what video game should I buy
recommend a restaurant for tonight
buy a lottery ticket
order a new passport
order a pizza with extra cheese
purchase some paint for the kitchen
get me a coffee
I want to buy a house
I'd like to order a taxi
where is my bus
is my flight delayed
has my visa been approved
status of my job application
when will my new glasses be ready"""
BACKGROUND = _BACKGROUND.splitlines()

# Words people use for the same thing, in general English: a word of a group lets the intent model use what it
# learned from another word of the group ("scrap my order" when the samples say "cancel"). Written for the
# emulator from common usage, not from any test set; words of several senses are left out.
_SYNONYMS = """buy purchase order get acquire grab pick reserve checkout
cancel scrap abort withdraw revoke void undo annul rescind drop
find search look seek hunt locate browse lookup discover
recommend suggest advise propose recommendation recommendations suggestion suggestions advice ideas idea picks
popular bestselling bestseller bestsellers trending hot top favourite favorite favourites favorites best
book books novel novels title titles read reads reading copy copies volume volumes paperback hardback
author writer novelist poet playwright wrote written
genre category section kind type
user customer member person client account patron shopper someone somebody reader
register enrol enroll signup onboard join registration
create add make open setup new
edit change update modify amend alter correct fix adjust replace swap switch rename
email e-mail mail address inbox
name firstname forename surname lastname
order orders purchase purchases package parcel delivery shipment stuff
status progress update tracking whereabouts
ship shipped dispatch dispatched sent send posted mailed deliver delivered arrive arrived arriving coming
late delayed overdue missing
help assist assistance support guide guidance instructions explain tutorial tips
commands options features capabilities functions abilities menu
hello hi hey greetings howdy hiya
thanks thank thx ty cheers grateful appreciate
want need like wish would love prefer
stock available availability carry sell sold
please kindly pls plz"""
SYNONYMS = _SYNONYMS.splitlines()
