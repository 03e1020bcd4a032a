"""Classes of offers and households for the batch optimiser: one compatibility cache, so the optimiser's work
depends on how many kinds of household and offer there are, never on how varied the raw needs look.

An offer's class is its region and its *features*: pets, step-free, children and its stay level. A household's
class is the regions it accepts (only regions that have offers; every region is the same as "anywhere") and the
features it needs. Stays are rounded to the offers' maximum stays: a household's stay level is the number of
distinct offer maximum stays shorter than its stay, so a stay of 100 days and one of 170 days are the same
need when offers say 90, 180 or no limit. Levels are then renumbered over the levels households have, which
keeps the class grid small whatever the offers say. A household fits an offer's class exactly when the offer
is in one of its regions and has at least each feature it needs (`compatibility.unmet`, on classes).
`FreeBeds` keeps the free beds of every offer by class and free count, for best fit in a few bit operations.
"""
from bisect import bisect_left, bisect_right

from aidcoord.housing.compatibility import HouseholdNeed, OfferSpace

ANYWHERE = None
PETS, STEP_FREE, CHILDREN = 4, 2, 1  # feature bits


class Catalogue:
    """The classes of one set of households and offers."""

    def __init__(self, households, offers):
        self.regions = sorted({offer.region for offer in offers})
        self.region_index = {region: n for n, region in enumerate(self.regions)}
        self._stays = sorted({offer.max_stay for offer in offers if offer.max_stay is not None})
        ranks = {self._stay_rank(household.stay_days) for household in households}
        self.levels = sorted(ranks) or [0]  # the household stay ranks that occur
        self.features = 8 * len(self.levels)
        self._classes: dict[tuple, int] = {}  # raw needs -> class number
        self._class_keys: dict[tuple, int] = {}  # (regions, feature) -> class number
        self.class_regions: list[tuple[int, ...] | None] = []  # region numbers, or ANYWHERE
        self.class_feature: list[int] = []
        self._upsets: dict[int, list[int]] = {}
        self._offer_features: dict[int, int | None] = {}  # offer id -> feature class (one plan reads it 4 times)

    def _stay_rank(self, stay_days: int | None) -> int:
        return 0 if stay_days is None else bisect_left(self._stays, stay_days)

    def feature(self, bits: int, level: int) -> int:
        return bits * len(self.levels) + level

    def offer_feature(self, offer: OfferSpace) -> int | None:
        """The offer's feature class, or None when no household's stay fits it."""
        if offer.id not in self._offer_features:
            self._offer_features[offer.id] = self._offer_feature(offer)
        return self._offer_features[offer.id]

    def _offer_feature(self, offer: OfferSpace) -> int | None:
        rank = len(self._stays) if offer.max_stay is None else bisect_left(self._stays, offer.max_stay)
        level = bisect_right(self.levels, rank) - 1  # the longest household stay level it takes
        if level < 0:
            return None
        return self.feature(offer.pets_ok * PETS + offer.step_free * STEP_FREE + offer.children_ok * CHILDREN, level)

    def class_of(self, household: HouseholdNeed) -> int | None:
        """The household's class number, or None when no offer region is one it accepts."""
        key = household.needs_key()
        if key not in self._classes:
            self._classes[key] = self._new_class(household)
        return self._classes[key]

    def _new_class(self, household: HouseholdNeed):
        regions = ANYWHERE
        if household.regions is not None:
            regions = tuple(sorted(self.region_index[r] for r in household.regions if r in self.region_index))
            if not regions:
                return None
            if len(regions) == len(self.regions):
                regions = ANYWHERE
        level = bisect_left(self.levels, self._stay_rank(household.stay_days))
        feature = self.feature(household.pets * PETS + household.step_free * STEP_FREE
                               + household.children * CHILDREN, level)
        key = (regions, feature)
        if key not in self._class_keys:
            self._class_keys[key] = len(self.class_regions)
            self.class_regions.append(regions)
            self.class_feature.append(feature)
        return self._class_keys[key]

    def upset(self, feature: int) -> list[int]:
        """Every feature class that has at least `feature`'s features, plainest first: among equal fits, keep
        pet-friendly, step-free and long-stay places for the households that need them."""
        if feature not in self._upsets:
            count = len(self.levels)
            bits, level = divmod(feature, count)
            self._upsets[feature] = sorted(
                (self.feature(more, longer) for more in range(8) if more & bits == bits
                 for longer in range(level, count)),
                key=lambda f: (bin(f // count).count("1"), f % count, f))
        return self._upsets[feature]

    def steps_up(self, feature: int) -> list[int]:
        """The feature classes with one more feature or the next stay level: the arcs of the flow's lattice."""
        count = len(self.levels)
        bits, level = divmod(feature, count)
        more = [self.feature(bits | bit, level) for bit in (PETS, STEP_FREE, CHILDREN) if not bits & bit]
        return more + ([feature + 1] if level + 1 < count else [])


class FreeBeds:
    """Free beds of every offer, by cell (region, feature class, whole dwelling or not) and free count. Each
    cell keeps a bitmask of the free counts it has offers with, and each (feature class, whole) keeps counts
    over all regions, so best fit for a household accepting anywhere is one look per feature class."""

    def __init__(self, catalogue: Catalogue, offers, free: dict[int, int] | None = None):
        self.catalogue = catalogue
        self.kinds = catalogue.features * 2  # (feature class, whole) pairs
        cells = len(catalogue.regions) * self.kinds
        self.masks = [0] * cells
        # cell -> free beds -> offer ids (a dict as an ordered set: last in, first out; O(1) removal)
        self.buckets: list[dict[int, dict[int, None]]] = [{} for _ in range(cells)]
        self.anywhere_counts: list[dict[int, int]] = [{} for _ in range(self.kinds)]
        self.anywhere_masks = [0] * self.kinds
        self.cell_of: dict[int, int] = {}
        self.whole: dict[int, bool] = {}
        self.free: dict[int, int] = {}
        self.capacity: dict[int, int] = {}
        for offer in offers:
            feature = catalogue.offer_feature(offer)
            if feature is None:
                continue
            cell = catalogue.region_index[offer.region] * self.kinds + feature * 2 + offer.whole
            self.cell_of[offer.id], self.whole[offer.id] = cell, offer.whole
            self.capacity[offer.id] = offer.capacity
            self.free[offer.id] = offer.capacity if free is None else free[offer.id]
            self._put(offer.id, self.free[offer.id])
        self._kind_orders: dict[int, list[int]] = {}

    def _put(self, offer_id: int, beds: int) -> None:
        if beds <= 0:
            return
        cell = self.cell_of[offer_id]
        self.buckets[cell].setdefault(beds, {})[offer_id] = None
        self.masks[cell] |= 1 << beds
        kind, counts = cell % self.kinds, self.anywhere_counts[cell % self.kinds]
        counts[beds] = counts.get(beds, 0) + 1
        self.anywhere_masks[kind] |= 1 << beds

    def _remove_count(self, cell: int, beds: int) -> None:
        kind = cell % self.kinds
        counts = self.anywhere_counts[kind]
        counts[beds] -= 1
        if not counts[beds]:
            self.anywhere_masks[kind] &= ~(1 << beds)

    def kinds_for(self, feature: int) -> list[int]:
        """The (feature class, whole) pairs a household needing `feature` fits, in best-fit order."""
        if feature not in self._kind_orders:  # shared places before whole dwellings of the same fit
            self._kind_orders[feature] = [f * 2 + whole for f in self.catalogue.upset(feature) for whole in (0, 1)]
        return self._kind_orders[feature]

    def best_fit(self, class_number: int, size: int) -> tuple[int, int] | None:
        """(cell, free beds) of the compatible offer the household fills best, or None."""
        regions = self.catalogue.class_regions[class_number]
        kinds = self.kinds_for(self.catalogue.class_feature[class_number])
        best, best_free = None, 1 << 30
        if regions is ANYWHERE:
            for kind in kinds:
                fitting = self.anywhere_masks[kind] >> size
                if fitting:
                    free = size + (fitting & -fitting).bit_length() - 1
                    if free < best_free:
                        best, best_free = kind, free
                        if free == size:
                            break
            if best is None:
                return None
            for region in range(len(self.catalogue.regions)):
                cell = region * self.kinds + best
                if self.masks[cell] >> best_free & 1:
                    return cell, best_free
            raise AssertionError("the counts over all regions disagree with the cells")
        masks, anywhere = self.masks, self.anywhere_masks
        closer = -1  # bits of the free counts (from `size` up) that would fit better than the best so far
        for kind in kinds:
            if not anywhere[kind] >> size & closer:  # no offer of this kind, in any region, fits better
                continue
            for region in regions:
                fitting = masks[region * self.kinds + kind] >> size & closer
                if fitting:
                    best_free = size + (fitting & -fitting).bit_length() - 1
                    best = region * self.kinds + kind
                    if best_free == size:
                        return best, best_free
                    closer = (1 << (best_free - size)) - 1
        return None if best is None else (best, best_free)

    def take(self, cell: int, beds: int, size: int) -> int:
        """Put a household of `size` into an offer of `cell` with `beds` free; returns the offer's id."""
        offer_id = next(reversed(self.buckets[cell][beds]))
        self.set_free(offer_id, 0 if self.whole[offer_id] else beds - size)  # a whole dwelling is taken whole
        return offer_id

    def set_free(self, offer_id: int, beds: int) -> None:
        """Give an offer its new number of free beds."""
        cell, before = self.cell_of[offer_id], self.free[offer_id]
        if before > 0:
            bucket = self.buckets[cell][before]
            del bucket[offer_id]
            if not bucket:
                self.masks[cell] &= ~(1 << before)
            self._remove_count(cell, before)
        self.free[offer_id] = beds
        self._put(offer_id, beds)
