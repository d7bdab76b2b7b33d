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
_BACKGROUND = """what's the weather like today
will it rain tomorrow
how cold is it outside
what's the temperature in tokyo
is it going to snow this weekend
what time is it
what's the date today
set an alarm for seven am
wake me up at six thirty
start a countdown of five minutes
remind me to water the plants
add milk to my shopping list
call my mother
send a text to dave
read my messages
play some jazz
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
who wrote the declaration of independence
what's the square root of 144
what is seven times eight
convert ten miles to kilometres
how many ounces in a pound
translate good night into spanish
how do you say thank you in japanese
what does ephemeral mean
spell necessary
tell me a joke
tell me a riddle
sing me a song
do you like pizza
how old are you
are you a robot
what's your name
do you have feelings
what is the meaning of life
I'm bored
I'm so tired today
my back hurts
I feel sick
what should I have for dinner
give me a recipe for lasagna
how long do I boil an egg
order a large pepperoni pizza
book a taxi for eight o'clock
get me an uber home
book a flight to madrid
find a hotel in lisbon for next week
reserve a table for four tonight
make a doctor's appointment
cancel my dentist appointment
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
recommend a restaurant nearby
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
I lost my keys
blue green yellow
asdf jkl
the quick brown fox
lorem ipsum dolor sit amet
banana
nothing
just testing
one two three testing
what's up
how are you doing
say something interesting
tell me a fun fact
make me laugh
tell me a story about dragons
write me a poem about the sea
what's your favourite food
do you like music
are you married
where do you live
who made you
can you hear me
what's two plus two
how many days until christmas
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
cancel my hotel booking
cancel my flight
cancel my gym membership
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
turn on the tv"""
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
