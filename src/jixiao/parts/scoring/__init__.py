"""评分: a whole department's score as parts (总体绩效 65, 项目绩效 35 …) that add up to its 总分."""
