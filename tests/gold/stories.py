"""Article texts of the gold set: short French news stories on Malian topics, written for it.

Each story is a headline and its body paragraphs. The same story may be carried by several
sites (as Malian aggregators republish newspapers), each with its own layout and furniture.
"""

STORIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "bamex": (
        "Bamex 2026 : le comité d’organisation présente le plan des stands",
        (
            "Le comité d’organisation du Salon de la défense et de la sécurité de Bamako a "
            "présenté mardi le plan des stands de la deuxième édition, prévue en novembre 2026 au "
            "Centre international de conférences.",
            "Selon son président, plus de quatre-vingts exposants ont déjà confirmé leur venue, "
            "dont une forte délégation de la Türkiye et plusieurs industriels russes spécialisés "
            "dans les drones de surveillance.",
            "Les organisateurs promettent une place plus grande aux entreprises maliennes, qui "
            "disposeront d’un pavillon dédié aux équipements fabriqués localement.",
        ),
    ),
    "coton": (
        "Campagne cotonnière : la CMDT table sur 780 000 tonnes",
        (
            "La Compagnie malienne pour le développement des textiles vise une production de 780 "
            "000 tonnes de coton graine pour la campagne 2025-2026, selon les chiffres présentés "
            "lundi aux producteurs de Koutiala.",
            "Le prix au producteur reste fixé à 300 francs CFA le kilogramme et les engrais "
            "seront cédés à prix subventionné dans toutes les zones de production.",
            "Les responsables des coopératives ont toutefois dénoncé les retards de paiement de "
            "la campagne précédente, qui pèsent encore sur de nombreuses familles rurales.",
        ),
    ),
    "kidal": (
        "Kidal : une vingtaine d’écoles rouvrent leurs portes",
        (
            "Vingt-deux écoles fermées depuis plusieurs années ont rouvert cette semaine dans la "
            "région de Kidal, a annoncé l’Académie d’enseignement de la ville.",
            "Près de trois mille élèves ont repris le chemin des classes, encadrés par des "
            "enseignants volontaires venus de Gao et de Tombouctou avec l’appui des autorités "
            "régionales.",
            "Les parents d’élèves demandent désormais la construction de cantines scolaires afin "
            "de retenir les enfants des familles nomades pendant toute l’année.",
        ),
    ),
    "vivres": (
        "Tombouctou : 12 000 ménages reçoivent des vivres",
        (
            "Douze mille ménages vulnérables de la région de Tombouctou ont reçu des vivres dans "
            "le cadre du plan national de réponse à l’insécurité alimentaire.",
            "Chaque famille a obtenu cinquante kilogrammes de riz, de l’huile et du sucre, "
            "distribués par les services du Commissariat à la sécurité alimentaire et leurs "
            "partenaires.",
            "Les bénéficiaires ont salué l’initiative tout en rappelant que la période de soudure "
            "reste difficile dans les communes éloignées du fleuve.",
        ),
    ),
    "budget": (
        "Le CNT adopte le budget d’État 2026",
        (
            "Le Conseil national de Transition a adopté jeudi la loi de finances pour l’exercice "
            "2026, avec cent vingt-six voix pour, aucune contre et aucune abstention.",
            "Le budget prévoit une hausse sensible des dépenses de sécurité et de défense ainsi "
            "qu’un effort particulier en faveur de l’énergie et des infrastructures routières.",
            "Le ministre de l’Économie et des Finances a assuré que les recettes fiscales "
            "progresseraient grâce à la numérisation des procédures douanières.",
        ),
    ),
    "carburant": (
        "Carburant : la situation s’améliore à Bamako",
        (
            "Les files d’attente se sont nettement raccourcies devant les stations-service de "
            "Bamako depuis l’arrivée de plusieurs convois de citernes escortés par l’armée.",
            "Le ministère du Commerce indique que plus de trois cents camions ont franchi la "
            "frontière sénégalaise au cours des dix derniers jours.",
            "Les transporteurs réclament cependant un renforcement des escortes sur l’axe "
            "Kayes-Bamako, où plusieurs véhicules ont été incendiés le mois dernier.",
        ),
    ),
    "segou": (
        "Ségou : le Festival sur le Niger dévoile son programme",
        (
            "Les organisateurs du Festival sur le Niger ont dévoilé samedi à Ségou le programme "
            "de la prochaine édition, placée sous le signe de la paix et de la cohésion sociale.",
            "Une trentaine d’artistes maliens et ouest-africains se produiront sur la grande "
            "scène du quai, tandis que des expositions d’artisanat animeront les rues de la "
            "vieille ville.",
            "Les hôteliers de la cité des Balanzans espèrent un retour des visiteurs après "
            "plusieurs années difficiles pour le tourisme dans la région.",
        ),
    ),
    "eleveurs": (
        "Mopti : les éleveurs réclament plus de vaccins",
        (
            "Les éleveurs de la région de Mopti ont demandé aux services vétérinaires d’augmenter "
            "les doses de vaccins contre la péripneumonie contagieuse bovine.",
            "La maladie a déjà touché plusieurs troupeaux dans les cercles de Douentza et de "
            "Bandiagara, selon la direction régionale des productions et des industries animales.",
            "Le directeur régional a promis une campagne de vaccination gratuite avant le départ "
            "des animaux vers les pâturages du delta intérieur.",
        ),
    ),
    "diplomates": (
        "Bamex 2026 : les diplomates invités à mobiliser leurs gouvernements",
        (
            "Le ministre des Affaires étrangères, Abdoulaye Diop, a réuni lundi le corps "
            "diplomatique accrédité au Mali pour présenter le bilan de la première édition du "
            "Bamex.",
            "Il a remis des invitations officielles aux ambassadeurs et leur a demandé "
            "d’encourager les industries de leurs pays à participer au salon de 2026.",
            "Le ministre a adressé une mention spéciale à la Türkiye, partenaire principal de la "
            "première édition, ainsi qu’à la Russie.",
        ),
    ),
    "energie": (
        "Énergie : une centrale solaire de 50 mégawatts inaugurée à Safo",
        (
            "Le président de la Transition a inauguré la centrale solaire de Safo, d’une capacité "
            "de cinquante mégawatts, à une vingtaine de kilomètres de Bamako.",
            "L’ouvrage doit réduire les délestages qui frappent la capitale depuis deux ans et "
            "alimenter près de cent mille foyers, selon la société Énergie du Mali.",
            "Deux autres centrales de même taille sont en construction à Sanankoroba et à Fana, "
            "avec une mise en service annoncée pour la fin de l’année prochaine.",
        ),
    ),
    "hivernage": (
        "Hivernage : des inondations font des sinistrés à Bamako",
        (
            "De fortes pluies tombées dans la nuit de dimanche à lundi ont inondé plusieurs "
            "quartiers de la rive droite de Bamako, laissant des centaines de familles sans abri.",
            "La protection civile a procédé à l’évacuation des habitants de Sabalibougou et de "
            "Niamakoro vers des écoles transformées en centres d’accueil.",
            "Le gouverneur du district a appelé les riverains des marigots à quitter les zones "
            "inondables avant le pic de la saison des pluies.",
        ),
    ),
    "examens": (
        "DEF 2025 : un taux de réussite de 61 %",
        (
            "Le ministère de l’Éducation nationale a publié mercredi les résultats du diplôme "
            "d’études fondamentales, avec un taux de réussite national de 61 %.",
            "L’académie de Kati arrive en tête, suivie de celles de Bamako rive gauche et de "
            "Sikasso, tandis que les académies du Nord restent en retrait.",
            "Le ministre a félicité les candidats et annoncé un renforcement des cours de "
            "rattrapage dans les zones touchées par l’insécurité.",
        ),
    ),
    "aes": (
        "AES : les ministres des Finances valident la banque confédérale",
        (
            "Les ministres des Finances de l’Alliance des États du Sahel ont validé à Niamey les "
            "statuts de la future banque confédérale d’investissement et de développement.",
            "Le capital initial de la banque sera apporté à parts égales par le Burkina Faso, le "
            "Mali et le Niger, selon le communiqué final de la réunion.",
            "La banque doit financer en priorité les corridors routiers et ferroviaires reliant "
            "les trois pays ainsi que des projets agricoles transfrontaliers.",
        ),
    ),
    "menaka": (
        "Ménaka : les FAMa sécurisent la foire hebdomadaire",
        (
            "Les Forces armées maliennes ont déployé un dispositif renforcé autour de la foire "
            "hebdomadaire de Ménaka, qui attire chaque mardi des milliers de commerçants.",
            "Selon la Direction de l’information et des relations publiques des armées, des "
            "patrouilles mixtes surveillent désormais les axes menant au marché.",
            "Les commerçants disent avoir retrouvé confiance et espèrent une reprise durable des "
            "échanges avec les villages voisins.",
        ),
    ),
    "sante": (
        "Paludisme : lancement de la chimioprévention saisonnière",
        (
            "Le ministère de la Santé a lancé à Sikasso la campagne de chimioprévention du "
            "paludisme saisonnier, qui vise plus de trois millions d’enfants de moins de cinq "
            "ans.",
            "Des agents de santé communautaires passeront de porte en porte pendant quatre mois "
            "pour administrer les médicaments aux enfants.",
            "Le paludisme reste la première cause de consultation dans les centres de santé du "
            "pays, selon le programme national de lutte contre la maladie.",
        ),
    ),
    "justice": (
        "Justice : ouverture de la session de la Cour d’assises de Bamako",
        (
            "La première session ordinaire de la Cour d’assises de Bamako s’est ouverte lundi "
            "avec l’examen de quarante-deux dossiers, dont plusieurs affaires de crimes "
            "économiques.",
            "Le procureur général a rappelé que la lutte contre la délinquance financière reste "
            "une priorité du ministère de la Justice.",
            "Les avocats de la défense ont dénoncé la longueur des détentions provisoires, "
            "parfois supérieures à trois ans pour certains accusés.",
        ),
    ),
    "or": (
        "Mines : la production d’or industriel en hausse",
        (
            "La production d’or des mines industrielles a progressé de neuf pour cent au "
            "troisième trimestre, selon les chiffres publiés par le ministère des Mines.",
            "La mise en service d’une nouvelle usine de traitement dans la région de Kéniéba "
            "explique l’essentiel de cette hausse.",
            "Le gouvernement entend porter à trente-cinq pour cent sa participation dans les "
            "sociétés minières en application du nouveau code minier.",
        ),
    ),
    "football": (
        "Football : les Aigles qualifiés pour la CAN",
        (
            "L’équipe nationale du Mali s’est qualifiée pour la prochaine Coupe d’Afrique des "
            "nations après sa victoire deux buts à zéro face à l’Eswatini au stade du 26 Mars.",
            "Les buts ont été inscrits en seconde période par l’attaquant de Marseille et par un "
            "jeune milieu formé au centre Salif Keïta.",
            "Le sélectionneur a salué l’état d’esprit de son groupe et promis de nouveaux visages "
            "lors du stage de préparation prévu en décembre.",
        ),
    ),
    "riz": (
        "Office du Niger : la récolte de riz s’annonce bonne",
        (
            "Les producteurs de l’Office du Niger s’attendent à une bonne récolte de riz grâce à "
            "une pluviométrie régulière et à la disponibilité des engrais.",
            "La direction de l’Office estime la production à plus de neuf cent mille tonnes de "
            "paddy sur l’ensemble des casiers aménagés.",
            "Les riziculteurs demandent toutefois la réhabilitation des canaux secondaires, "
            "envahis par les herbes aquatiques dans plusieurs zones.",
        ),
    ),
    "routes": (
        "Travaux publics : la route Kati-Kolokani bientôt achevée",
        (
            "Les travaux de bitumage de la route Kati-Kolokani sont achevés à quatre-vingt-cinq "
            "pour cent, a constaté le ministre des Transports lors d’une visite de chantier.",
            "L’entreprise chargée des travaux promet une livraison avant la prochaine saison des "
            "pluies, malgré les difficultés d’approvisionnement en bitume.",
            "Les usagers se réjouissent déjà de la réduction du temps de trajet entre les deux "
            "villes, passé de quatre heures à moins de deux heures.",
        ),
    ),
    "titres": (
        "Les titres du 12 mars 2025 soir",
        (
            "Le gouvernement annonce une nouvelle baisse du prix du ciment dans les points de "
            "vente agréés de Bamako et des capitales régionales.",
            "À Gao, des jeunes diplômés sans emploi réclament une meilleure prise en compte de "
            "leur candidature dans les recrutements de la fonction publique.",
            "Dans la région de Ségou, les maraîchers se plaignent de la chute des prix de "
            "l’oignon sur les marchés hebdomadaires.",
        ),
    ),
    "magazine": (
        "Le Magazine du 21 septembre 2025 : la scolarisation des filles",
        (
            "Dans ce magazine, Studio Tamani s’intéresse à la scolarisation des filles dans les "
            "zones rurales de la région de Koulikoro.",
            "Des enseignantes expliquent comment les mariages précoces et les travaux domestiques "
            "éloignent encore de nombreuses filles de l’école.",
            "Des associations de mères d’élèves témoignent de leurs initiatives pour convaincre "
            "les familles de laisser leurs filles terminer le cycle fondamental.",
        ),
    ),
    "entretien": (
        "Moussa Sidibé, président des producteurs de Koutiala : « Nous attendons nos paiements »",
        (
            "À la veille de la nouvelle campagne, le président de l’union des producteurs de "
            "coton de Koutiala revient sur les difficultés de la filière.",
            "Journal du Mali : Comment se présente la campagne ?",
            "Moussa Sidibé : Les pluies ont été bonnes et les champs sont beaux. Mais beaucoup de "
            "producteurs n’ont pas encore été payés pour le coton livré l’an dernier.",
            "Que demandez-vous à la CMDT ?",
            "Nous demandons un calendrier de paiement clair et la livraison des engrais avant les "
            "semis, pas au milieu de l’hivernage comme cette année.",
        ),
    ),
    "mesures": (
        "Santé : le gouvernement annonce des mesures pour les hôpitaux",
        (
            "Le Conseil des ministres a adopté mercredi un ensemble de mesures destinées à "
            "améliorer l’accueil des patients dans les hôpitaux publics du pays.",
            "Les principales mesures retenues sont les suivantes :",
            "la gratuité de la césarienne étendue à tous les centres de santé de référence ;",
            "le recrutement de 500 infirmiers et sages-femmes ;",
            "la réhabilitation des urgences de l’hôpital Gabriel Touré.",
            "Le ministre de la Santé a précisé que ces mesures seraient financées sur le budget "
            "2026 et par les partenaires techniques et financiers.",
        ),
    ),
    "breve": (
        "Guinée : le référendum constitutionnel fixé au 21 septembre",
        (
            "Les autorités guinéennes ont fixé au 21 septembre la date du référendum sur la "
            "nouvelle Constitution, a annoncé la présidence dans un décret lu à la télévision "
            "nationale, ouvrant la voie au retour à l’ordre constitutionnel promis par la junte.",
        ),
    ),
}
