"""The week's site: the R tutorial page (:mod:`.page`) and the folder to publish (:mod:`.build`)."""
