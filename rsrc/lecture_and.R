# Slides "Example: Learning AND": the Boolean AND learnt with a linear model,
# then thresholded. Run alone: Rscript rsrc/lecture_and.R
# Sections (`## ---- label`, knitr's convention for external code) are what the
# deck shows, one per slide; the deck runs each section as it shows it.

## ---- and-data
and_data <- data.frame(
  X1 = c(0, 0, 1, 1),
  X2 = c(0, 1, 0, 1),
  Y = c(0, 0, 0, 1)
)

## ---- and-lm
and_lm_fit <- lm(Y ~ X1 + X2, data = and_data)
and_pred <- predict(and_lm_fit, newdata = and_data)
and_pred

## ---- and-threshold
and_pred_binary <- ifelse(and_pred >= 0.5, 1, 0)
and_pred_binary
