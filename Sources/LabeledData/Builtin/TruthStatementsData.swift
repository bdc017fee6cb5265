// Built-in data set: true vs false statements, written for this project (same license as the
// project). One JSON object per line: "text" (a short declarative statement), "label" (1 true,
// 0 false), "category" (a short topic tag). Lines come in minimal pairs: each false statement
// follows the true one it was made from (same template, wrong filler).
enum TruthStatementsData {
    static let jsonl = #"""
{"text": "The capital of Peru is Lima.", "label": 1, "category": "capitals"}
{"text": "The capital of Peru is Quito.", "label": 0, "category": "capitals"}
{"text": "Paris is the capital of France.", "label": 1, "category": "capitals"}
{"text": "Lyon is the capital of France.", "label": 0, "category": "capitals"}
{"text": "The capital of Japan is Tokyo.", "label": 1, "category": "capitals"}
{"text": "The capital of Japan is Osaka.", "label": 0, "category": "capitals"}
{"text": "Canberra is the capital of Australia.", "label": 1, "category": "capitals"}
{"text": "Sydney is the capital of Australia.", "label": 0, "category": "capitals"}
{"text": "The capital of Canada is Ottawa.", "label": 1, "category": "capitals"}
{"text": "The capital of Canada is Toronto.", "label": 0, "category": "capitals"}
{"text": "Brasilia is the capital of Brazil.", "label": 1, "category": "capitals"}
{"text": "Rio de Janeiro is the capital of Brazil.", "label": 0, "category": "capitals"}
{"text": "The capital of Turkey is Ankara.", "label": 1, "category": "capitals"}
{"text": "The capital of Turkey is Istanbul.", "label": 0, "category": "capitals"}
{"text": "Cairo is the capital of Egypt.", "label": 1, "category": "capitals"}
{"text": "Alexandria is the capital of Egypt.", "label": 0, "category": "capitals"}
{"text": "The capital of Kenya is Nairobi.", "label": 1, "category": "capitals"}
{"text": "The capital of Kenya is Mombasa.", "label": 0, "category": "capitals"}
{"text": "Buenos Aires is the capital of Argentina.", "label": 1, "category": "capitals"}
{"text": "Montevideo is the capital of Argentina.", "label": 0, "category": "capitals"}
{"text": "The capital of Chile is Santiago.", "label": 1, "category": "capitals"}
{"text": "The capital of Chile is Concepcion.", "label": 0, "category": "capitals"}
{"text": "Bogota is the capital of Colombia.", "label": 1, "category": "capitals"}
{"text": "Medellin is the capital of Colombia.", "label": 0, "category": "capitals"}
{"text": "The capital of Germany is Berlin.", "label": 1, "category": "capitals"}
{"text": "The capital of Germany is Munich.", "label": 0, "category": "capitals"}
{"text": "Rome is the capital of Italy.", "label": 1, "category": "capitals"}
{"text": "Milan is the capital of Italy.", "label": 0, "category": "capitals"}
{"text": "The capital of Spain is Madrid.", "label": 1, "category": "capitals"}
{"text": "The capital of Spain is Barcelona.", "label": 0, "category": "capitals"}
{"text": "Lisbon is the capital of Portugal.", "label": 1, "category": "capitals"}
{"text": "Porto is the capital of Portugal.", "label": 0, "category": "capitals"}
{"text": "The capital of Norway is Oslo.", "label": 1, "category": "capitals"}
{"text": "The capital of Norway is Bergen.", "label": 0, "category": "capitals"}
{"text": "Stockholm is the capital of Sweden.", "label": 1, "category": "capitals"}
{"text": "Gothenburg is the capital of Sweden.", "label": 0, "category": "capitals"}
{"text": "The capital of Finland is Helsinki.", "label": 1, "category": "capitals"}
{"text": "The capital of Finland is Tampere.", "label": 0, "category": "capitals"}
{"text": "Warsaw is the capital of Poland.", "label": 1, "category": "capitals"}
{"text": "Krakow is the capital of Poland.", "label": 0, "category": "capitals"}
{"text": "The capital of Greece is Athens.", "label": 1, "category": "capitals"}
{"text": "The capital of Greece is Thessaloniki.", "label": 0, "category": "capitals"}
{"text": "Moscow is the capital of Russia.", "label": 1, "category": "capitals"}
{"text": "Saint Petersburg is the capital of Russia.", "label": 0, "category": "capitals"}
{"text": "The capital of China is Beijing.", "label": 1, "category": "capitals"}
{"text": "The capital of China is Shanghai.", "label": 0, "category": "capitals"}
{"text": "New Delhi is the capital of India.", "label": 1, "category": "capitals"}
{"text": "Mumbai is the capital of India.", "label": 0, "category": "capitals"}
{"text": "The capital of South Korea is Seoul.", "label": 1, "category": "capitals"}
{"text": "The capital of South Korea is Busan.", "label": 0, "category": "capitals"}
{"text": "Bangkok is the capital of Thailand.", "label": 1, "category": "capitals"}
{"text": "Chiang Mai is the capital of Thailand.", "label": 0, "category": "capitals"}
{"text": "The capital of Vietnam is Hanoi.", "label": 1, "category": "capitals"}
{"text": "The capital of Vietnam is Ho Chi Minh City.", "label": 0, "category": "capitals"}
{"text": "Manila is the capital of the Philippines.", "label": 1, "category": "capitals"}
{"text": "Cebu City is the capital of the Philippines.", "label": 0, "category": "capitals"}
{"text": "The capital of Mexico is Mexico City.", "label": 1, "category": "capitals"}
{"text": "The capital of Mexico is Guadalajara.", "label": 0, "category": "capitals"}
{"text": "Havana is the capital of Cuba.", "label": 1, "category": "capitals"}
{"text": "Santiago de Cuba is the capital of Cuba.", "label": 0, "category": "capitals"}
{"text": "The capital of Ireland is Dublin.", "label": 1, "category": "capitals"}
{"text": "The capital of Ireland is Cork.", "label": 0, "category": "capitals"}
{"text": "Vienna is the capital of Austria.", "label": 1, "category": "capitals"}
{"text": "Salzburg is the capital of Austria.", "label": 0, "category": "capitals"}
{"text": "The capital of Hungary is Budapest.", "label": 1, "category": "capitals"}
{"text": "The capital of Hungary is Prague.", "label": 0, "category": "capitals"}
{"text": "Prague is the capital of the Czech Republic.", "label": 1, "category": "capitals"}
{"text": "Bratislava is the capital of the Czech Republic.", "label": 0, "category": "capitals"}
{"text": "The capital of Morocco is Rabat.", "label": 1, "category": "capitals"}
{"text": "The capital of Morocco is Casablanca.", "label": 0, "category": "capitals"}
{"text": "Abuja is the capital of Nigeria.", "label": 1, "category": "capitals"}
{"text": "Lagos is the capital of Nigeria.", "label": 0, "category": "capitals"}
{"text": "The capital of Ethiopia is Addis Ababa.", "label": 1, "category": "capitals"}
{"text": "The capital of Ethiopia is Nairobi.", "label": 0, "category": "capitals"}
{"text": "Islamabad is the capital of Pakistan.", "label": 1, "category": "capitals"}
{"text": "Karachi is the capital of Pakistan.", "label": 0, "category": "capitals"}
{"text": "The capital of Iran is Tehran.", "label": 1, "category": "capitals"}
{"text": "The capital of Iran is Baghdad.", "label": 0, "category": "capitals"}
{"text": "Wellington is the capital of New Zealand.", "label": 1, "category": "capitals"}
{"text": "Auckland is the capital of New Zealand.", "label": 0, "category": "capitals"}
{"text": "Nine plus thirty-one is forty.", "label": 1, "category": "arithmetic"}
{"text": "Nine plus thirty-one is fifty.", "label": 0, "category": "arithmetic"}
{"text": "Thirty-two plus eighteen equals fifty.", "label": 1, "category": "arithmetic"}
{"text": "Thirty-two plus eighteen equals fifty-one.", "label": 0, "category": "arithmetic"}
{"text": "Twenty-nine plus twenty-two equals fifty-one.", "label": 1, "category": "arithmetic"}
{"text": "Twenty-nine plus twenty-two equals fifty-two.", "label": 0, "category": "arithmetic"}
{"text": "Twenty-nine plus thirty-six is sixty-five.", "label": 1, "category": "arithmetic"}
{"text": "Twenty-nine plus thirty-six is seventy-five.", "label": 0, "category": "arithmetic"}
{"text": "Fifty-six plus six equals sixty-two.", "label": 1, "category": "arithmetic"}
{"text": "Fifty-six plus six equals sixty-five.", "label": 0, "category": "arithmetic"}
{"text": "Twenty-eight plus twenty equals forty-eight.", "label": 1, "category": "arithmetic"}
{"text": "Twenty-eight plus twenty equals fifty-one.", "label": 0, "category": "arithmetic"}
{"text": "Five plus ten is fifteen.", "label": 1, "category": "arithmetic"}
{"text": "Five plus ten is seventeen.", "label": 0, "category": "arithmetic"}
{"text": "Ten plus thirty-four equals forty-four.", "label": 1, "category": "arithmetic"}
{"text": "Ten plus thirty-four equals forty-six.", "label": 0, "category": "arithmetic"}
{"text": "Thirty-nine plus thirty-seven equals seventy-six.", "label": 1, "category": "arithmetic"}
{"text": "Thirty-nine plus thirty-seven equals seventy-four.", "label": 0, "category": "arithmetic"}
{"text": "Fifty-eight plus twenty-five is eighty-three.", "label": 1, "category": "arithmetic"}
{"text": "Fifty-eight plus twenty-five is eighty-five.", "label": 0, "category": "arithmetic"}
{"text": "Four plus twenty-eight equals thirty-two.", "label": 1, "category": "arithmetic"}
{"text": "Four plus twenty-eight equals thirty-three.", "label": 0, "category": "arithmetic"}
{"text": "Thirty-one plus five equals thirty-six.", "label": 1, "category": "arithmetic"}
{"text": "Thirty-one plus five equals twenty-six.", "label": 0, "category": "arithmetic"}
{"text": "Eighteen plus twenty-one is thirty-nine.", "label": 1, "category": "arithmetic"}
{"text": "Eighteen plus twenty-one is forty.", "label": 0, "category": "arithmetic"}
{"text": "Seven plus nineteen equals twenty-six.", "label": 1, "category": "arithmetic"}
{"text": "Seven plus nineteen equals twenty-five.", "label": 0, "category": "arithmetic"}
{"text": "Thirty-eight minus twenty-two equals sixteen.", "label": 1, "category": "arithmetic"}
{"text": "Thirty-eight minus twenty-two equals twenty-six.", "label": 0, "category": "arithmetic"}
{"text": "Sixteen minus seven is nine.", "label": 1, "category": "arithmetic"}
{"text": "Sixteen minus seven is eleven.", "label": 0, "category": "arithmetic"}
{"text": "Twenty-eight minus twenty-one equals seven.", "label": 1, "category": "arithmetic"}
{"text": "Twenty-eight minus twenty-one equals nine.", "label": 0, "category": "arithmetic"}
{"text": "Twenty-three minus nine equals fourteen.", "label": 1, "category": "arithmetic"}
{"text": "Twenty-three minus nine equals seventeen.", "label": 0, "category": "arithmetic"}
{"text": "Sixty-five minus three is sixty-two.", "label": 1, "category": "arithmetic"}
{"text": "Sixty-five minus three is sixty.", "label": 0, "category": "arithmetic"}
{"text": "Thirty-six minus fifteen equals twenty-one.", "label": 1, "category": "arithmetic"}
{"text": "Thirty-six minus fifteen equals thirty-one.", "label": 0, "category": "arithmetic"}
{"text": "Eighty-seven minus fifty-four equals thirty-three.", "label": 1, "category": "arithmetic"}
{"text": "Eighty-seven minus fifty-four equals twenty-three.", "label": 0, "category": "arithmetic"}
{"text": "Seventy-eight minus twenty-six is fifty-two.", "label": 1, "category": "arithmetic"}
{"text": "Seventy-eight minus twenty-six is fifty-five.", "label": 0, "category": "arithmetic"}
{"text": "Twenty-one minus fourteen equals seven.", "label": 1, "category": "arithmetic"}
{"text": "Twenty-one minus fourteen equals eight.", "label": 0, "category": "arithmetic"}
{"text": "Seventy-eight minus thirty-two equals forty-six.", "label": 1, "category": "arithmetic"}
{"text": "Seventy-eight minus thirty-two equals forty-eight.", "label": 0, "category": "arithmetic"}
{"text": "Eighty-nine minus fifty is thirty-nine.", "label": 1, "category": "arithmetic"}
{"text": "Eighty-nine minus fifty is forty-nine.", "label": 0, "category": "arithmetic"}
{"text": "Seventy-two minus fifty equals twenty-two.", "label": 1, "category": "arithmetic"}
{"text": "Seventy-two minus fifty equals twenty-one.", "label": 0, "category": "arithmetic"}
{"text": "Twenty-nine minus three equals twenty-six.", "label": 1, "category": "arithmetic"}
{"text": "Twenty-nine minus three equals twenty-nine.", "label": 0, "category": "arithmetic"}
{"text": "Ten times eight is eighty.", "label": 1, "category": "arithmetic"}
{"text": "Ten times eight is eighty-one.", "label": 0, "category": "arithmetic"}
{"text": "Six times seven equals forty-two.", "label": 1, "category": "arithmetic"}
{"text": "Six times seven equals forty-nine.", "label": 0, "category": "arithmetic"}
{"text": "Four times eight equals thirty-two.", "label": 1, "category": "arithmetic"}
{"text": "Four times eight equals thirty-four.", "label": 0, "category": "arithmetic"}
{"text": "Six times four is twenty-four.", "label": 1, "category": "arithmetic"}
{"text": "Six times four is twenty-eight.", "label": 0, "category": "arithmetic"}
{"text": "Eight times eleven equals eighty-eight.", "label": 1, "category": "arithmetic"}
{"text": "Eight times eleven equals ninety.", "label": 0, "category": "arithmetic"}
{"text": "Four times eleven equals forty-four.", "label": 1, "category": "arithmetic"}
{"text": "Four times eleven equals forty-five.", "label": 0, "category": "arithmetic"}
{"text": "Eleven times seven is seventy-seven.", "label": 1, "category": "arithmetic"}
{"text": "Eleven times seven is seventy-eight.", "label": 0, "category": "arithmetic"}
{"text": "Three times seven equals twenty-one.", "label": 1, "category": "arithmetic"}
{"text": "Three times seven equals twenty-two.", "label": 0, "category": "arithmetic"}
{"text": "Ten times five equals fifty.", "label": 1, "category": "arithmetic"}
{"text": "Ten times five equals forty-five.", "label": 0, "category": "arithmetic"}
{"text": "Eight times six is forty-eight.", "label": 1, "category": "arithmetic"}
{"text": "Eight times six is forty-seven.", "label": 0, "category": "arithmetic"}
{"text": "Nine times six equals fifty-four.", "label": 1, "category": "arithmetic"}
{"text": "Nine times six equals fifty-five.", "label": 0, "category": "arithmetic"}
{"text": "Twelve times three equals thirty-six.", "label": 1, "category": "arithmetic"}
{"text": "Twelve times three equals thirty-three.", "label": 0, "category": "arithmetic"}
{"text": "Two times six is twelve.", "label": 1, "category": "arithmetic"}
{"text": "Two times six is thirteen.", "label": 0, "category": "arithmetic"}
{"text": "A whale is a mammal.", "label": 1, "category": "animals"}
{"text": "A whale is a fish.", "label": 0, "category": "animals"}
{"text": "A dolphin is a mammal.", "label": 1, "category": "animals"}
{"text": "A dolphin is a fish.", "label": 0, "category": "animals"}
{"text": "A bat is a mammal.", "label": 1, "category": "animals"}
{"text": "A bat is a bird.", "label": 0, "category": "animals"}
{"text": "An elephant is a mammal.", "label": 1, "category": "animals"}
{"text": "An elephant is a reptile.", "label": 0, "category": "animals"}
{"text": "A kangaroo is a mammal.", "label": 1, "category": "animals"}
{"text": "A kangaroo is a bird.", "label": 0, "category": "animals"}
{"text": "A platypus is a mammal.", "label": 1, "category": "animals"}
{"text": "A platypus is a reptile.", "label": 0, "category": "animals"}
{"text": "A horse is a mammal.", "label": 1, "category": "animals"}
{"text": "A horse is an amphibian.", "label": 0, "category": "animals"}
{"text": "A seal is a mammal.", "label": 1, "category": "animals"}
{"text": "A seal is a fish.", "label": 0, "category": "animals"}
{"text": "A tiger is a mammal.", "label": 1, "category": "animals"}
{"text": "A tiger is a reptile.", "label": 0, "category": "animals"}
{"text": "A penguin is a bird.", "label": 1, "category": "animals"}
{"text": "A penguin is a mammal.", "label": 0, "category": "animals"}
{"text": "An eagle is a bird.", "label": 1, "category": "animals"}
{"text": "An eagle is a mammal.", "label": 0, "category": "animals"}
{"text": "An ostrich is a bird.", "label": 1, "category": "animals"}
{"text": "An ostrich is a mammal.", "label": 0, "category": "animals"}
{"text": "An owl is a bird.", "label": 1, "category": "animals"}
{"text": "An owl is an insect.", "label": 0, "category": "animals"}
{"text": "A parrot is a bird.", "label": 1, "category": "animals"}
{"text": "A parrot is a reptile.", "label": 0, "category": "animals"}
{"text": "A chicken is a bird.", "label": 1, "category": "animals"}
{"text": "A chicken is a mammal.", "label": 0, "category": "animals"}
{"text": "A crocodile is a reptile.", "label": 1, "category": "animals"}
{"text": "A crocodile is an amphibian.", "label": 0, "category": "animals"}
{"text": "A snake is a reptile.", "label": 1, "category": "animals"}
{"text": "A snake is an amphibian.", "label": 0, "category": "animals"}
{"text": "A turtle is a reptile.", "label": 1, "category": "animals"}
{"text": "A turtle is a fish.", "label": 0, "category": "animals"}
{"text": "An iguana is a reptile.", "label": 1, "category": "animals"}
{"text": "An iguana is a mammal.", "label": 0, "category": "animals"}
{"text": "A lizard is a reptile.", "label": 1, "category": "animals"}
{"text": "A lizard is an insect.", "label": 0, "category": "animals"}
{"text": "A shark is a fish.", "label": 1, "category": "animals"}
{"text": "A shark is a mammal.", "label": 0, "category": "animals"}
{"text": "A salmon is a fish.", "label": 1, "category": "animals"}
{"text": "A salmon is a reptile.", "label": 0, "category": "animals"}
{"text": "A goldfish is a fish.", "label": 1, "category": "animals"}
{"text": "A goldfish is an amphibian.", "label": 0, "category": "animals"}
{"text": "A seahorse is a fish.", "label": 1, "category": "animals"}
{"text": "A seahorse is a mammal.", "label": 0, "category": "animals"}
{"text": "A tuna is a fish.", "label": 1, "category": "animals"}
{"text": "A tuna is a mammal.", "label": 0, "category": "animals"}
{"text": "A frog is an amphibian.", "label": 1, "category": "animals"}
{"text": "A frog is a reptile.", "label": 0, "category": "animals"}
{"text": "A toad is an amphibian.", "label": 1, "category": "animals"}
{"text": "A toad is a mammal.", "label": 0, "category": "animals"}
{"text": "A salamander is an amphibian.", "label": 1, "category": "animals"}
{"text": "A salamander is a reptile.", "label": 0, "category": "animals"}
{"text": "A newt is an amphibian.", "label": 1, "category": "animals"}
{"text": "A newt is an insect.", "label": 0, "category": "animals"}
{"text": "An ant is an insect.", "label": 1, "category": "animals"}
{"text": "An ant is a bird.", "label": 0, "category": "animals"}
{"text": "A bee is an insect.", "label": 1, "category": "animals"}
{"text": "A bee is a bird.", "label": 0, "category": "animals"}
{"text": "A butterfly is an insect.", "label": 1, "category": "animals"}
{"text": "A butterfly is a bird.", "label": 0, "category": "animals"}
{"text": "A grasshopper is an insect.", "label": 1, "category": "animals"}
{"text": "A grasshopper is an amphibian.", "label": 0, "category": "animals"}
{"text": "A spider is an arachnid.", "label": 1, "category": "animals"}
{"text": "A spider is an insect.", "label": 0, "category": "animals"}
{"text": "A spider has eight legs.", "label": 1, "category": "animals"}
{"text": "A spider has six legs.", "label": 0, "category": "animals"}
{"text": "An ant has six legs.", "label": 1, "category": "animals"}
{"text": "An ant has eight legs.", "label": 0, "category": "animals"}
{"text": "An octopus has eight arms.", "label": 1, "category": "animals"}
{"text": "An octopus has five arms.", "label": 0, "category": "animals"}
{"text": "A lion is a carnivore.", "label": 1, "category": "animals"}
{"text": "A lion is a herbivore.", "label": 0, "category": "animals"}
{"text": "A cow is a herbivore.", "label": 1, "category": "animals"}
{"text": "A cow is a carnivore.", "label": 0, "category": "animals"}
{"text": "A penguin cannot fly.", "label": 1, "category": "animals"}
{"text": "A penguin can fly.", "label": 0, "category": "animals"}
{"text": "Kenya is in Africa.", "label": 1, "category": "geography"}
{"text": "Kenya is in Asia.", "label": 0, "category": "geography"}
{"text": "Nigeria is in Africa.", "label": 1, "category": "geography"}
{"text": "Nigeria is in Europe.", "label": 0, "category": "geography"}
{"text": "Ghana is in Africa.", "label": 1, "category": "geography"}
{"text": "Ghana is in South America.", "label": 0, "category": "geography"}
{"text": "Argentina is in South America.", "label": 1, "category": "geography"}
{"text": "Argentina is in Africa.", "label": 0, "category": "geography"}
{"text": "Peru is in South America.", "label": 1, "category": "geography"}
{"text": "Peru is in Asia.", "label": 0, "category": "geography"}
{"text": "Chile is in South America.", "label": 1, "category": "geography"}
{"text": "Chile is in Europe.", "label": 0, "category": "geography"}
{"text": "Canada is in North America.", "label": 1, "category": "geography"}
{"text": "Canada is in Europe.", "label": 0, "category": "geography"}
{"text": "Mexico is in North America.", "label": 1, "category": "geography"}
{"text": "Mexico is in Africa.", "label": 0, "category": "geography"}
{"text": "Japan is in Asia.", "label": 1, "category": "geography"}
{"text": "Japan is in South America.", "label": 0, "category": "geography"}
{"text": "Vietnam is in Asia.", "label": 1, "category": "geography"}
{"text": "Vietnam is in Africa.", "label": 0, "category": "geography"}
{"text": "Thailand is in Asia.", "label": 1, "category": "geography"}
{"text": "Thailand is in Europe.", "label": 0, "category": "geography"}
{"text": "Mongolia is in Asia.", "label": 1, "category": "geography"}
{"text": "Mongolia is in Europe.", "label": 0, "category": "geography"}
{"text": "Norway is in Europe.", "label": 1, "category": "geography"}
{"text": "Norway is in Asia.", "label": 0, "category": "geography"}
{"text": "Portugal is in Europe.", "label": 1, "category": "geography"}
{"text": "Portugal is in South America.", "label": 0, "category": "geography"}
{"text": "Poland is in Europe.", "label": 1, "category": "geography"}
{"text": "Poland is in Africa.", "label": 0, "category": "geography"}
{"text": "The Nile flows through Egypt.", "label": 1, "category": "geography"}
{"text": "The Nile flows through Brazil.", "label": 0, "category": "geography"}
{"text": "The Amazon flows through Brazil.", "label": 1, "category": "geography"}
{"text": "The Amazon flows through Mexico.", "label": 0, "category": "geography"}
{"text": "The Danube flows through Hungary.", "label": 1, "category": "geography"}
{"text": "The Danube flows through Spain.", "label": 0, "category": "geography"}
{"text": "The Thames flows through London.", "label": 1, "category": "geography"}
{"text": "The Thames flows through Paris.", "label": 0, "category": "geography"}
{"text": "The Seine flows through Paris.", "label": 1, "category": "geography"}
{"text": "The Seine flows through Rome.", "label": 0, "category": "geography"}
{"text": "The Ganges flows through India.", "label": 1, "category": "geography"}
{"text": "The Ganges flows through Japan.", "label": 0, "category": "geography"}
{"text": "The Yangtze flows through China.", "label": 1, "category": "geography"}
{"text": "The Yangtze flows through Australia.", "label": 0, "category": "geography"}
{"text": "The Rhine flows through Germany.", "label": 1, "category": "geography"}
{"text": "The Rhine flows through Greece.", "label": 0, "category": "geography"}
{"text": "The Volga flows through Russia.", "label": 1, "category": "geography"}
{"text": "The Volga flows through Portugal.", "label": 0, "category": "geography"}
{"text": "The Tiber flows through Rome.", "label": 1, "category": "geography"}
{"text": "The Tiber flows through Madrid.", "label": 0, "category": "geography"}
{"text": "The Mississippi River flows through Louisiana.", "label": 1, "category": "geography"}
{"text": "The Mississippi River flows through Nevada.", "label": 0, "category": "geography"}
{"text": "The Mekong flows through Vietnam.", "label": 1, "category": "geography"}
{"text": "The Mekong flows through Egypt.", "label": 0, "category": "geography"}
{"text": "Hawaii is in the Pacific Ocean.", "label": 1, "category": "geography"}
{"text": "Hawaii is in the Atlantic Ocean.", "label": 0, "category": "geography"}
{"text": "Madagascar is in the Indian Ocean.", "label": 1, "category": "geography"}
{"text": "Madagascar is in the Pacific Ocean.", "label": 0, "category": "geography"}
{"text": "Fiji is in the Pacific Ocean.", "label": 1, "category": "geography"}
{"text": "Fiji is in the Indian Ocean.", "label": 0, "category": "geography"}
{"text": "The Maldives are in the Indian Ocean.", "label": 1, "category": "geography"}
{"text": "The Maldives are in the Atlantic Ocean.", "label": 0, "category": "geography"}
{"text": "Bermuda is in the Atlantic Ocean.", "label": 1, "category": "geography"}
{"text": "Bermuda is in the Indian Ocean.", "label": 0, "category": "geography"}
{"text": "The Pacific is the largest ocean on Earth.", "label": 1, "category": "geography"}
{"text": "The Atlantic is the largest ocean on Earth.", "label": 0, "category": "geography"}
{"text": "The Atlantic Ocean lies between Europe and North America.", "label": 1, "category": "geography"}
{"text": "The Indian Ocean lies between Europe and North America.", "label": 0, "category": "geography"}
{"text": "Mount Everest is in Asia.", "label": 1, "category": "geography"}
{"text": "Mount Everest is in Africa.", "label": 0, "category": "geography"}
{"text": "Mount Kilimanjaro is in Africa.", "label": 1, "category": "geography"}
{"text": "Mount Kilimanjaro is in South America.", "label": 0, "category": "geography"}
{"text": "The Sahara Desert is in Africa.", "label": 1, "category": "geography"}
{"text": "The Sahara Desert is in Australia.", "label": 0, "category": "geography"}
{"text": "The Andes are in South America.", "label": 1, "category": "geography"}
{"text": "The Andes are in Europe.", "label": 0, "category": "geography"}
{"text": "The Alps are in Europe.", "label": 1, "category": "geography"}
{"text": "The Alps are in Africa.", "label": 0, "category": "geography"}
{"text": "France shares a border with Spain.", "label": 1, "category": "geography"}
{"text": "France shares a border with Poland.", "label": 0, "category": "geography"}
{"text": "Water boils at 100 degrees Celsius at sea level.", "label": 1, "category": "science"}
{"text": "Water boils at 50 degrees Celsius at sea level.", "label": 0, "category": "science"}
{"text": "Water freezes at 0 degrees Celsius at sea level.", "label": 1, "category": "science"}
{"text": "Water freezes at 20 degrees Celsius at sea level.", "label": 0, "category": "science"}
{"text": "The Earth orbits the Sun.", "label": 1, "category": "science"}
{"text": "The Sun orbits the Earth.", "label": 0, "category": "science"}
{"text": "The Moon orbits the Earth.", "label": 1, "category": "science"}
{"text": "The Moon orbits Mars.", "label": 0, "category": "science"}
{"text": "Light travels faster than sound.", "label": 1, "category": "science"}
{"text": "Sound travels faster than light.", "label": 0, "category": "science"}
{"text": "A water molecule has two hydrogen atoms and one oxygen atom.", "label": 1, "category": "science"}
{"text": "A water molecule has three hydrogen atoms and one oxygen atom.", "label": 0, "category": "science"}
{"text": "The chemical symbol for gold is Au.", "label": 1, "category": "science"}
{"text": "The chemical symbol for gold is Ag.", "label": 0, "category": "science"}
{"text": "The chemical symbol for sodium is Na.", "label": 1, "category": "science"}
{"text": "The chemical symbol for sodium is S.", "label": 0, "category": "science"}
{"text": "The chemical symbol for iron is Fe.", "label": 1, "category": "science"}
{"text": "The chemical symbol for iron is Ir.", "label": 0, "category": "science"}
{"text": "The chemical symbol for oxygen is O.", "label": 1, "category": "science"}
{"text": "The chemical symbol for oxygen is N.", "label": 0, "category": "science"}
{"text": "The lightest element is hydrogen.", "label": 1, "category": "science"}
{"text": "The lightest element is helium.", "label": 0, "category": "science"}
{"text": "Diamonds are made of carbon.", "label": 1, "category": "science"}
{"text": "Diamonds are made of silicon.", "label": 0, "category": "science"}
{"text": "Jupiter is the largest planet in the Solar System.", "label": 1, "category": "science"}
{"text": "Mars is the largest planet in the Solar System.", "label": 0, "category": "science"}
{"text": "Mercury is the planet closest to the Sun.", "label": 1, "category": "science"}
{"text": "Venus is the planet closest to the Sun.", "label": 0, "category": "science"}
{"text": "Mars is known as the Red Planet.", "label": 1, "category": "science"}
{"text": "Neptune is known as the Red Planet.", "label": 0, "category": "science"}
{"text": "There are eight planets in the Solar System.", "label": 1, "category": "science"}
{"text": "There are twelve planets in the Solar System.", "label": 0, "category": "science"}
{"text": "Plants release oxygen during photosynthesis.", "label": 1, "category": "science"}
{"text": "Plants release helium during photosynthesis.", "label": 0, "category": "science"}
{"text": "The human heart has four chambers.", "label": 1, "category": "science"}
{"text": "The human heart has two chambers.", "label": 0, "category": "science"}
{"text": "An adult human skeleton has 206 bones.", "label": 1, "category": "science"}
{"text": "An adult human skeleton has 306 bones.", "label": 0, "category": "science"}
{"text": "Red blood cells carry oxygen through the blood.", "label": 1, "category": "science"}
{"text": "White blood cells carry most of the oxygen in the blood.", "label": 0, "category": "science"}
{"text": "Sound cannot travel through a vacuum.", "label": 1, "category": "science"}
{"text": "Sound travels easily through a vacuum.", "label": 0, "category": "science"}
{"text": "The Sun is a star.", "label": 1, "category": "science"}
{"text": "The Sun is a planet.", "label": 0, "category": "science"}
{"text": "Ice is less dense than liquid water.", "label": 1, "category": "science"}
{"text": "Ice is denser than liquid water.", "label": 0, "category": "science"}
{"text": "Electrons have a negative electric charge.", "label": 1, "category": "science"}
{"text": "Electrons have a positive electric charge.", "label": 0, "category": "science"}
{"text": "Protons have a positive electric charge.", "label": 1, "category": "science"}
{"text": "Protons have a negative electric charge.", "label": 0, "category": "science"}
{"text": "Neutrons have no electric charge.", "label": 1, "category": "science"}
{"text": "Neutrons have a negative electric charge.", "label": 0, "category": "science"}
{"text": "Copper is a good conductor of electricity.", "label": 1, "category": "science"}
{"text": "Rubber is a good conductor of electricity.", "label": 0, "category": "science"}
{"text": "Earth's atmosphere is mostly nitrogen.", "label": 1, "category": "science"}
{"text": "Earth's atmosphere is mostly helium.", "label": 0, "category": "science"}
{"text": "Light from the Sun takes about eight minutes to reach Earth.", "label": 1, "category": "science"}
{"text": "Light from the Sun takes about eight days to reach Earth.", "label": 0, "category": "science"}
{"text": "A year on Earth lasts about 365 days.", "label": 1, "category": "science"}
{"text": "A year on Earth lasts about 500 days.", "label": 0, "category": "science"}
{"text": "The Earth turns once on its axis about every 24 hours.", "label": 1, "category": "science"}
{"text": "The Earth turns once on its axis about every 12 hours.", "label": 0, "category": "science"}
{"text": "Humans breathe in oxygen and breathe out carbon dioxide.", "label": 1, "category": "science"}
{"text": "Humans breathe in carbon dioxide and breathe out oxygen.", "label": 0, "category": "science"}
{"text": "Iron rusts when exposed to water and oxygen.", "label": 1, "category": "science"}
{"text": "Glass rusts when exposed to water and oxygen.", "label": 0, "category": "science"}
{"text": "Pure water at room temperature has a pH of 7.", "label": 1, "category": "science"}
{"text": "Pure water at room temperature has a pH of 2.", "label": 0, "category": "science"}
{"text": "A magnet attracts iron nails.", "label": 1, "category": "science"}
{"text": "A magnet attracts glass marbles.", "label": 0, "category": "science"}
{"text": "DNA has a double helix structure.", "label": 1, "category": "science"}
{"text": "DNA has a triple helix structure.", "label": 0, "category": "science"}
{"text": "Helium is a noble gas.", "label": 1, "category": "science"}
{"text": "Helium is a metal.", "label": 0, "category": "science"}
{"text": "Water boils at a lower temperature at high altitude.", "label": 1, "category": "science"}
{"text": "Water boils at a higher temperature at high altitude.", "label": 0, "category": "science"}
{"text": "Venus is hotter than Mercury on average.", "label": 1, "category": "science"}
{"text": "Mercury is hotter than Venus on average.", "label": 0, "category": "science"}
{"text": "Saturn is the planet best known for its bright rings.", "label": 1, "category": "science"}
{"text": "Mercury is the planet best known for its bright rings.", "label": 0, "category": "science"}
{"text": "One hundred eighty-eight is larger than one hundred eighty-five.", "label": 1, "category": "comparisons"}
{"text": "One hundred eighty-five is larger than one hundred eighty-eight.", "label": 0, "category": "comparisons"}
{"text": "Seventeen is greater than ten.", "label": 1, "category": "comparisons"}
{"text": "Ten is greater than seventeen.", "label": 0, "category": "comparisons"}
{"text": "Seven is smaller than thirty-two.", "label": 1, "category": "comparisons"}
{"text": "Thirty-two is smaller than seven.", "label": 0, "category": "comparisons"}
{"text": "One hundred thirteen is less than one hundred thirty-eight.", "label": 1, "category": "comparisons"}
{"text": "One hundred thirty-eight is less than one hundred thirteen.", "label": 0, "category": "comparisons"}
{"text": "One hundred forty-eight is bigger than one hundred eight.", "label": 1, "category": "comparisons"}
{"text": "One hundred eight is bigger than one hundred forty-eight.", "label": 0, "category": "comparisons"}
{"text": "Twenty-four is larger than twenty-three.", "label": 1, "category": "comparisons"}
{"text": "Twenty-three is larger than twenty-four.", "label": 0, "category": "comparisons"}
{"text": "One hundred twelve is greater than one hundred eleven.", "label": 1, "category": "comparisons"}
{"text": "One hundred eleven is greater than one hundred twelve.", "label": 0, "category": "comparisons"}
{"text": "Sixteen is smaller than seventeen.", "label": 1, "category": "comparisons"}
{"text": "Seventeen is smaller than sixteen.", "label": 0, "category": "comparisons"}
{"text": "Thirty-eight is less than seventy-eight.", "label": 1, "category": "comparisons"}
{"text": "Seventy-eight is less than thirty-eight.", "label": 0, "category": "comparisons"}
{"text": "One hundred thirty-one is bigger than one hundred thirty.", "label": 1, "category": "comparisons"}
{"text": "One hundred thirty is bigger than one hundred thirty-one.", "label": 0, "category": "comparisons"}
{"text": "Ninety-eight is larger than ninety-seven.", "label": 1, "category": "comparisons"}
{"text": "Ninety-seven is larger than ninety-eight.", "label": 0, "category": "comparisons"}
{"text": "Eighty-five is greater than eighty-four.", "label": 1, "category": "comparisons"}
{"text": "Eighty-four is greater than eighty-five.", "label": 0, "category": "comparisons"}
{"text": "Fifty-seven is smaller than eighty-two.", "label": 1, "category": "comparisons"}
{"text": "Eighty-two is smaller than fifty-seven.", "label": 0, "category": "comparisons"}
{"text": "Forty-one is less than sixty-six.", "label": 1, "category": "comparisons"}
{"text": "Sixty-six is less than forty-one.", "label": 0, "category": "comparisons"}
{"text": "One hundred seventy-nine is bigger than one hundred thirty-nine.", "label": 1, "category": "comparisons"}
{"text": "One hundred thirty-nine is bigger than one hundred seventy-nine.", "label": 0, "category": "comparisons"}
{"text": "Eighty-five is larger than seventy-three.", "label": 1, "category": "comparisons"}
{"text": "Seventy-three is larger than eighty-five.", "label": 0, "category": "comparisons"}
{"text": "One hundred seventy-three is greater than one hundred seventy.", "label": 1, "category": "comparisons"}
{"text": "One hundred seventy is greater than one hundred seventy-three.", "label": 0, "category": "comparisons"}
{"text": "Two is smaller than three.", "label": 1, "category": "comparisons"}
{"text": "Three is smaller than two.", "label": 0, "category": "comparisons"}
{"text": "One hundred thirty is less than one hundred thirty-three.", "label": 1, "category": "comparisons"}
{"text": "One hundred thirty-three is less than one hundred thirty.", "label": 0, "category": "comparisons"}
{"text": "One hundred one is bigger than one hundred.", "label": 1, "category": "comparisons"}
{"text": "One hundred is bigger than one hundred one.", "label": 0, "category": "comparisons"}
{"text": "One hundred fifty-seven is larger than one hundred fifty-six.", "label": 1, "category": "comparisons"}
{"text": "One hundred fifty-six is larger than one hundred fifty-seven.", "label": 0, "category": "comparisons"}
{"text": "One hundred ninety-one is greater than one hundred sixty-six.", "label": 1, "category": "comparisons"}
{"text": "One hundred sixty-six is greater than one hundred ninety-one.", "label": 0, "category": "comparisons"}
{"text": "Seventy-seven is smaller than eighty-four.", "label": 1, "category": "comparisons"}
{"text": "Eighty-four is smaller than seventy-seven.", "label": 0, "category": "comparisons"}
{"text": "One hundred thirty-three is less than one hundred seventy-three.", "label": 1, "category": "comparisons"}
{"text": "One hundred seventy-three is less than one hundred thirty-three.", "label": 0, "category": "comparisons"}
{"text": "One hundred forty-one is bigger than one hundred forty.", "label": 1, "category": "comparisons"}
{"text": "One hundred forty is bigger than one hundred forty-one.", "label": 0, "category": "comparisons"}
{"text": "One hundred seventeen is larger than one hundred sixteen.", "label": 1, "category": "comparisons"}
{"text": "One hundred sixteen is larger than one hundred seventeen.", "label": 0, "category": "comparisons"}
{"text": "One hundred three is greater than sixty-three.", "label": 1, "category": "comparisons"}
{"text": "Sixty-three is greater than one hundred three.", "label": 0, "category": "comparisons"}
{"text": "Ninety-three is smaller than one hundred.", "label": 1, "category": "comparisons"}
{"text": "One hundred is smaller than ninety-three.", "label": 0, "category": "comparisons"}
{"text": "Sixty-nine is less than ninety-four.", "label": 1, "category": "comparisons"}
{"text": "Ninety-four is less than sixty-nine.", "label": 0, "category": "comparisons"}
{"text": "One hundred seventy-two is bigger than one hundred forty-seven.", "label": 1, "category": "comparisons"}
{"text": "One hundred forty-seven is bigger than one hundred seventy-two.", "label": 0, "category": "comparisons"}
{"text": "An elephant is heavier than a mouse.", "label": 1, "category": "comparisons"}
{"text": "A mouse is heavier than an elephant.", "label": 0, "category": "comparisons"}
{"text": "The Sun is larger than the Earth.", "label": 1, "category": "comparisons"}
{"text": "The Earth is larger than the Sun.", "label": 0, "category": "comparisons"}
{"text": "A kilometer is longer than a meter.", "label": 1, "category": "comparisons"}
{"text": "A meter is longer than a kilometer.", "label": 0, "category": "comparisons"}
{"text": "An hour is longer than a minute.", "label": 1, "category": "comparisons"}
{"text": "A minute is longer than an hour.", "label": 0, "category": "comparisons"}
{"text": "A week is longer than a day.", "label": 1, "category": "comparisons"}
{"text": "A day is longer than a week.", "label": 0, "category": "comparisons"}
{"text": "Jupiter is larger than the Moon.", "label": 1, "category": "comparisons"}
{"text": "The Moon is larger than Jupiter.", "label": 0, "category": "comparisons"}
{"text": "A liter is more than a milliliter.", "label": 1, "category": "comparisons"}
{"text": "A milliliter is more than a liter.", "label": 0, "category": "comparisons"}
{"text": "A giraffe is taller than a house cat.", "label": 1, "category": "comparisons"}
{"text": "A house cat is taller than a giraffe.", "label": 0, "category": "comparisons"}
{"text": "The Pacific Ocean is larger than the Mediterranean Sea.", "label": 1, "category": "comparisons"}
{"text": "The Mediterranean Sea is larger than the Pacific Ocean.", "label": 0, "category": "comparisons"}
{"text": "A century is longer than a decade.", "label": 1, "category": "comparisons"}
{"text": "A decade is longer than a century.", "label": 0, "category": "comparisons"}
"""#
}
